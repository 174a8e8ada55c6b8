"""Every custom field type end to end through the REST API: definition, create,
update, stored form, typed read-back, filter and sort (on both engines)."""

import json

import pytest

CHOICES = [{"value": "a", "label": {"en": "A"}}, {"value": "b", "label": {"en": "B"}}, {"value": "c", "label": {"en": "C"}}]

# type, extra definition settings, inputs for three records (x, y, z), what the API answers,
# a filter value matching y, and the order of x, y, z when sorted ascending.
CASES = [
    ("text", {}, ["beta", "alpha", "gamma"], ["beta", "alpha", "gamma"], "alpha", ["y", "x", "z"]),
    ("long_text", {}, ["two\nlines", "a", "b"], ["two\nlines", "a", "b"], None, ["y", "z", "x"]),
    # numeric order, not text order ("10" < "100" < "9" as text)
    ("integer", {}, [9, "10", 100], [9, 10, 100], "10", ["x", "y", "z"]),
    ("decimal", {}, ["9.5", "10.25", 100], ["9.5", "10.25", "100"], "10.25", ["x", "y", "z"]),
    ("money", {}, ["9.50", "10", "100.10"], ["9.50", "10.00", "100.10"], "10.00", ["x", "y", "z"]),
    ("date", {}, ["2024-12-31", "2025-01-01", "2023-06-15"], ["2024-12-31", "2025-01-01", "2023-06-15"], "2025-01-01", ["z", "x", "y"]),
    ("datetime", {}, ["2024-05-31T14:30:00+03:00", "2024-05-31T12:00:00Z", "2024-05-31T11:00:00+00:00"],
     ["2024-05-31T11:30:00+00:00", "2024-05-31T12:00:00+00:00", "2024-05-31T11:00:00+00:00"], "2024-05-31T15:00:00%2B03:00", ["z", "x", "y"]),
    ("boolean", {}, [True, False, "yes"], [True, False, True], "false", ["y", "x", "z"]),
    ("choice", {"choices": CHOICES}, ["b", "a", "c"], ["b", "a", "c"], "a", ["y", "x", "z"]),
    ("email", {}, ["b@Example.COM", "a@example.com", "c@example.com"], ["b@example.com", "a@example.com", "c@example.com"], "a@example.com", ["y", "x", "z"]),
]


async def add_field(api, entity="contacts/client", **definition):
    response = await api.post(f"/api/fields/{entity}", json=definition)
    assert response.status_code == 201, response.text
    return response.json()


async def create(api, name, **values):
    response = await api.post("/api/contacts/client", json={"name": name, **values})
    assert response.status_code == 201, response.text
    return response.json()


async def names(api, query):
    response = await api.get(f"/api/contacts/client?{query}")
    assert response.status_code == 200, response.text
    return [r["name"] for r in response.json()["items"]]


@pytest.mark.parametrize("kind, extra, inputs, expected, match, order", CASES, ids=[c[0] for c in CASES])
async def test_type_end_to_end(api, kind, extra, inputs, expected, match, order):
    from core.db.engine import get_engine

    await add_field(api, name="cf", type=kind, label={"en": "Field", "ru": "Поле"}, **extra)
    rows = {}
    for label, value in zip("xyz", inputs):
        rows[label] = await create(api, label, cf=value)
    for label, want in zip("xyz", expected):
        got = (await api.get(f"/api/contacts/client/{rows[label]['id']}")).json()["cf"]
        assert got == want, (kind, label, got)
    if match is not None:
        assert await names(api, f"cf={match}") == ["y"]
    assert await names(api, "sort=cf") == order
    assert await names(api, "sort=-cf") == list(reversed(order))
    # update goes through the same validation and reads back typed
    row = rows["x"]
    patched = await api.patch(f"/api/contacts/client/{row['id']}", json={"cf": inputs[1]}, headers={"If-Match": f'"{row["version"]}"'})
    assert patched.status_code == 200, patched.text
    assert patched.json()["cf"] == expected[1]
    # nothing but the storage form reaches the JSON column
    table = await get_engine().run_querystring(__import__("piccolo.querystring", fromlist=["QueryString"]).QueryString(
        'SELECT "custom" FROM "contacts_client" WHERE "id" = {}', row["id"]))
    stored = table[0]["custom"]
    stored = json.loads(stored) if isinstance(stored, str) else stored
    if kind in ("money", "decimal"):
        assert isinstance(stored["cf"], str)  # never a binary float
    if kind == "datetime":
        assert stored["cf"].endswith("Z") and len(stored["cf"]) == 27


async def test_invalid_values_are_refused_per_field_and_change_nothing(api):
    await add_field(api, name="amount", type="money", label="Amount", min_value="0", max_value="1000")
    await add_field(api, name="code", type="text", label="Code", pattern=r"[A-Z]{3}-\d{2}")
    row = await create(api, "ok", amount="10.00", code="ABC-12")
    for bad in ({"amount": "1.005"}, {"amount": "-1"}, {"amount": "1001"}, {"amount": "ten"}, {"code": "abc-12"}):
        response = await api.patch(f"/api/contacts/client/{row['id']}", json=bad, headers={"If-Match": '"1"'})
        assert response.status_code == 422, (bad, response.text)
        assert set(response.json()["errors"]) == set(bad)
        response = await api.post("/api/contacts/client", json={"name": "bad", **bad})
        assert response.status_code == 422
    again = (await api.get(f"/api/contacts/client/{row['id']}")).json()
    assert again["amount"] == "10.00" and again["code"] == "ABC-12" and again["version"] == 1
    assert await names(api, "") == ["ok"]


async def test_multi_choice_filters_by_membership(api):
    await add_field(api, name="tags", type="multi_choice", label="Tags", choices=["a=A", "b=B", "c=C"])
    await create(api, "ab", tags=["a", "b"])
    await create(api, "b", tags=["b"])
    await create(api, "c", tags=["c"])
    assert (await api.get(f"/api/contacts/client/{(await create(api, 'none'))['id']}")).json()["tags"] is None
    assert sorted(await names(api, "tags=b")) == ["ab", "b"]
    assert await names(api, "tags=a,b") == ["ab"]  # eq: holds all of them
    assert sorted(await names(api, "tags__in=a,c")) == ["ab", "c"]  # in: holds any
    assert (await api.get("/api/contacts/client?tags=zzz")).status_code == 400


async def test_reference_to_a_real_record(api):
    target = await create(api, "Target")
    await add_field(api, entity="contacts/contact", name="partner", type="reference", label="Partner", reference="contacts.client")
    ok = await api.post("/api/contacts/contact", json={"full_name": "Ann", "partner": target["id"]})
    assert ok.status_code == 201, ok.text
    assert ok.json()["partner"] == target["id"]
    missing = await api.post("/api/contacts/contact", json={"full_name": "Bob", "partner": "0190b0b0-0000-7000-8000-000000000000"})
    assert missing.status_code == 422 and "partner" in missing.json()["errors"]
    found = await api.get(f"/api/contacts/contact?partner={target['id']}")
    assert [r["full_name"] for r in found.json()["items"]] == ["Ann"]


async def test_money_is_exact_on_every_engine(api):
    from decimal import Decimal

    await add_field(api, name="amount", type="money", label="Amount")
    amounts = ["0.10", "0.20", "0.10", "9999999999999.99", "0.01"]
    for i, amount in enumerate(amounts):
        await create(api, f"r{i}", amount=amount)
    items = (await api.get("/api/contacts/client?limit=50")).json()["items"]
    total = sum(Decimal(r["amount"]) for r in items)
    assert total == Decimal("10000000000000.40")  # as floats: 10000000000000.398
    assert {r["amount"] for r in items} == set(amounts)
    # comparisons are exact too: 0.1 + 0.2 style values filter by equality
    assert sorted(await names(api, "amount=0.1")) == ["r0", "r2"]
    assert await names(api, "amount__gt=9999999999999.98") == ["r3"]
    assert await names(api, "amount__lt=0.10&sort=amount") == ["r4"]

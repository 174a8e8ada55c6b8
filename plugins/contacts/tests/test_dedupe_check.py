"""The duplicate check on entry (form fragment and JSON API), and the screens: warnings never
reveal records the user cannot see; scans start as jobs; the merge screen merges and undoes."""

from __future__ import annotations

import re
import uuid

from core.auth.passwords import cheap_hashing_for_tests
from plugins.contacts.dedupe.check import check_record, check_rows
from plugins.contacts.tests.dedupe_helpers import gate, principal

INN = "500100732259"


def unique_name() -> str:
    return f"ООО «Дубль {uuid.uuid4().hex[:8]}»"


async def test_hidden_matches_are_counted_never_named(app_factory):
    kernel = app_factory().state.kernel
    ann, bob = principal(), principal()
    name = unique_name()
    phone = f"+7 916 {uuid.uuid4().int % 10_000_000:07d}"
    row = await gate(kernel, ann).create({"name": name, "inn": INN, "phone": phone, "email": "dup@example.ru"})
    typed = {"name": name.replace("ООО", "АО"), "inn": INN, "phone": phone.replace("+7 ", "8 "), "email": "DUP@example.ru"}
    seen = await check_record(kernel, ann, typed)
    (found,) = [f for f in seen.visible if f.record["id"] == row["id"]]
    assert set(found.reasons) >= {"tax_id", "phone", "email", "name~0.9"}
    hidden = await check_record(kernel, bob, typed)
    assert all(f.record["id"] != row["id"] for f in hidden.visible)
    assert hidden.hidden.get("phone") == 1 and hidden.hidden.get("email") == 1
    text = repr(hidden.to_json())
    assert name not in text and str(row["id"]) not in text and "cannot see" in text
    # Editing the record itself is no duplicate of itself.
    again = await check_record(kernel, ann, typed, exclude_ids=[row["id"]])
    assert all(f.record["id"] != row["id"] for f in again.visible)


async def test_a_transliterated_name_is_found_on_entry(app_factory):
    kernel = app_factory().state.kernel
    ann = principal()
    word = "Кирпичзавод" + "".join(chr(0x430 + int(c, 16) % 32) for c in uuid.uuid4().hex[:5])
    row = await gate(kernel, ann).create({"name": f"ООО «{word}»"})
    from anyascii import anyascii

    result = await check_record(kernel, ann, {"name": f'OOO "{anyascii(word)}"'})
    assert [f.reasons for f in result.visible if f.record["id"] == row["id"]] == [["name~0.9"]]


async def test_import_rows_are_checked_against_the_base_and_each_other(app_factory):
    kernel = app_factory().state.kernel
    ann = principal()
    name = unique_name()
    await gate(kernel, ann).create({"name": name, "inn": "7707083893"})
    out = await check_rows(kernel, ann, [
        {"name": "Новый клиент", "email": f"x{uuid.uuid4().hex[:6]}@example.ru", "phone": "+7 916 111-22-33"},
        {"name": "Другой", "phone": "8 916 111 22 33"},
        {"name": name, "inn": "7707083893"},
    ])
    assert out[0]["in_batch"] == [1] and out[1]["in_batch"] == [0] and out[2]["in_batch"] == []
    assert any("tax_id" in f.reasons for f in out[2]["stored"].visible)


async def test_api_and_form_check_as_a_sales_manager(client, client_as, make_user):
    inn_owner_name = unique_name()
    response = await client.post("/api/contacts/client", json={"name": inn_owner_name, "inn": "7707083893"})
    assert response.status_code in (200, 201), response.text
    with cheap_hashing_for_tests():
        manager = await make_user(roles=["sales_manager"])
        async with client_as(manager) as c:
            r = await c.post("/contacts/api/duplicates/check", json={"name": "Someone", "inn": "7707083893"})
            assert r.status_code == 200
            body = r.json()
            assert {"reason": "tax_id", "count": body["hidden"][0]["count"]} in body["hidden"]
            assert inn_owner_name not in r.text and response.json()["id"] not in r.text
            f = await c.post("/contacts/duplicates/check", data={"name": "Someone", "inn": "7707083893"})
            assert f.status_code == 200 and "cannot see" in f.text and inn_owner_name not in f.text
            bad = await c.post("/contacts/api/duplicates/check", json=["not", "an", "object"])
            assert bad.status_code == 400


async def test_screens_scan_merge_and_undo(client):
    page = await client.get("/contacts/duplicates/")
    assert page.status_code == 200 and "tax_id" in page.text
    bad = await client.post("/contacts/duplicates/scan", data={"rules": "fax", "veto": "1"})
    assert bad.status_code == 400 and "Unknown term" in bad.text
    started = await client.post("/contacts/duplicates/scan", data={"rules": "tax_id\nphone", "veto": "1"}, follow_redirects=False)
    assert started.status_code == 303 and "job=" in started.headers["location"]
    a = (await client.post("/api/contacts/client", json={"name": unique_name(), "email": "keep@example.ru"})).json()
    b = (await client.post("/api/contacts/client", json={"name": unique_name(), "email": "other@example.ru"})).json()
    screen = await client.get(f"/contacts/duplicates/merge?ids={a['id']},{b['id']}")
    assert screen.status_code == 200 and 'name="field:email"' in screen.text
    done = await client.post("/contacts/duplicates/merge", data={
        "survivor": a["id"], "ids": [a["id"], b["id"]], "version": str(a["version"]), "field:email": b["id"]},
        follow_redirects=False)
    assert done.status_code == 303, done.text
    log_url = done.headers["location"]
    assert (await client.get(f"/api/contacts/client/{a['id']}")).json()["email"] == "other@example.ru"
    assert (await client.get(f"/api/contacts/client/{b['id']}")).status_code == 404  # in the trash
    log = await client.get(log_url)
    assert "Undo the merge" in log.text
    undone = await client.post(log_url + "/undo", follow_redirects=False)
    assert undone.status_code == 303
    assert (await client.get(f"/api/contacts/client/{a['id']}")).json()["email"] == "keep@example.ru"
    assert (await client.get(f"/api/contacts/client/{b['id']}")).status_code == 200
    again = await client.post(log_url + "/undo")
    assert again.status_code == 409 and "already undone" in again.text
    missing = await client.get(f"/contacts/duplicates/merge?ids={a['id']},{uuid.uuid4()}")
    assert missing.status_code == 404
    assert re.search(r"/contacts/duplicates/merges/[0-9a-f-]{36}$", log_url)


async def test_create_form_warns_as_you_type_and_confirms_on_save(client):
    name = unique_name()
    first = await client.post("/contacts/client/", data={"name": name, "kind": "company", "inn": "7707083893"},
                              follow_redirects=False)
    assert first.status_code in (303, 409)  # another test's client may hold this tax id already
    if first.status_code == 409:
        first = await client.post("/contacts/client/", data={"name": name, "kind": "company", "inn": "7707083893", "_confirm": "1"},
                                  follow_redirects=False)
        assert first.status_code == 303
    form = await client.get("/contacts/client/new")
    assert 'hx-post="/contacts/client/new/check"' in form.text
    live = await client.post("/contacts/client/new/check", data={"name": name, "kind": "company"})
    assert live.status_code == 200 and name in live.text, live.text[:3000]
    again = await client.post("/contacts/client/", data={"name": name, "kind": "company"}, follow_redirects=False)
    assert again.status_code == 409 and "Save anyway" in again.text and name in again.text
    saved = await client.post("/contacts/client/", data={"name": name, "kind": "company", "_confirm": "1"}, follow_redirects=False)
    assert saved.status_code == 303, re.findall(r"<strong>.*?</p>|class=\"error[^<]*<[^>]*>[^<]*", saved.text)
    other = await client.post("/contacts/contact/", data={"full_name": name}, follow_redirects=False)
    assert other.status_code == 303  # no warnings for other entities


async def test_the_answer_never_depends_on_a_hidden_records_id(client, client_as, make_user):
    """Issue 14, S4: sending a hidden client's id as "the record being edited" must not tell
    whether that record holds the e-mail (hidden 1 without the id, 0 with it, was an oracle)."""
    email = f"oracle-{uuid.uuid4().hex[:8]}@example.ru"
    created = await client.post("/api/contacts/client", json={"name": unique_name(), "email": email})
    assert created.status_code == 201, created.text
    hidden_id = created.json()["id"]
    with cheap_hashing_for_tests():
        manager = await make_user(roles=["sales_manager"])
        async with client_as(manager) as c:
            plain = (await c.post("/contacts/api/duplicates/check", json={"email": email})).json()
            probed = (await c.post("/contacts/api/duplicates/check", json={"email": email, "id": hidden_id})).json()
            other = (await c.post("/contacts/api/duplicates/check", json={"email": email, "id": str(uuid.uuid4())})).json()
            form = await c.post("/contacts/duplicates/check", data={"email": email, "id": hidden_id})
    assert plain["hidden"] == [{"reason": "email", "count": 1}]
    assert probed == plain == other
    assert "cannot see" in form.text

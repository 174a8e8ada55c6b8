"""The administration screen and the entity pages with custom fields."""

import re

from tests.custom_fields.test_types import add_field, create


def csrf(page: str) -> str:
    return re.search(r'name="_csrf" value="([^"]*)"', page).group(1)


async def test_admin_screen_adds_a_field_and_shows_errors_per_input(api):
    index = await api.get("/admin/fields")
    assert index.status_code == 200 and "/admin/fields/contacts/client" in index.text
    screen = await api.get("/admin/fields/contacts/client")
    assert screen.status_code == 200
    token = csrf(screen.text)
    bad = await api.post("/admin/fields/contacts/client", data={
        "_csrf": token, "name": "Bad name", "type": "integer", "label_en": "", "min_value": "9", "max_value": "1",
        "pattern": "x",
    })
    assert bad.status_code == 400
    for name in ("name", "label_en", "max_value", "pattern"):
        assert f'id="new-{name}-error"' in bad.text, name
    assert 'value="Bad name"' in bad.text  # the input is kept
    assert (await api.get("/api/fields/contacts/client")).json()["items"] == []
    ok = await api.post("/admin/fields/contacts/client", data={
        "_csrf": token, "name": "budget", "type": "money", "label_en": "Budget", "label_ru": "Бюджет", "indexed": "1",
        "min_value": "0",
    })
    assert ok.status_code == 303
    listed = (await api.get("/api/fields/contacts/client")).json()["items"]
    assert [(d["name"], d["type"], d["indexed"], d["min_value"]) for d in listed] == [("budget", "money", True, "0")]
    edit = await api.get("/admin/fields/contacts/client/budget")
    assert edit.status_code == 200 and 'value="Budget"' in edit.text
    refused = await api.post("/admin/fields/contacts/client/budget", data={"_csrf": token, "type": "money", "label_en": "Budget", "default": "-5", "min_value": "0"})
    assert refused.status_code == 400 and 'id="edit-default-error"' in refused.text
    retire = await api.post("/admin/fields/contacts/client/budget/retire", data={"_csrf": token})
    assert retire.status_code == 303
    no_confirm = await api.post("/admin/fields/contacts/client/budget/purge", data={"_csrf": token})
    assert no_confirm.status_code == 400
    purged = await api.post("/admin/fields/contacts/client/budget/purge", data={"_csrf": token, "confirm": "budget"})
    assert purged.status_code == 303
    assert (await api.get("/api/fields/contacts/client?retired=1")).json()["items"] == []


async def test_custom_fields_in_entity_forms_and_lists(api):
    await add_field(api, name="budget", type="money", label="Budget")
    await add_field(api, name="deal_phase", type="choice", label="Deal phase", choices=["lead=Lead", "won=Won"])
    form = await api.get("/contacts/client/new")
    assert 'name="budget"' in form.text and 'name="deal_phase"' in form.text
    token = csrf(form.text)
    bad = await api.post("/contacts/client/", data={"_csrf": token, "name": "Acme", "kind": "company", "budget": "1.005", "deal_phase": "won"})
    assert bad.status_code == 422 and 'id="e-budget"' in bad.text
    good = await api.post("/contacts/client/", data={"_csrf": token, "name": "Acme", "kind": "company", "budget": "1 234,50", "deal_phase": "won"})
    assert good.status_code == 303, good.text[:2000]
    await create(api, "Beta", budget="10", deal_phase="lead")
    listing = await api.get("/contacts/client/?sort=-budget")
    assert listing.status_code == 200
    assert ">Budget<" in listing.text and "1,234.50" in listing.text  # money shows in the user's locale
    assert listing.text.index("1,234.50") < listing.text.index("10.00")  # sorted by the custom column
    filtered = await api.get("/contacts/client/?deal_phase=lead")
    assert "Beta" in filtered.text and "Acme" not in filtered.text

"""Definitions: refusals with clear messages, required/default/unique, retire keeps
data, restore shows it, purge removes it; search, OpenAPI typing, timeline."""

import pytest

from tests.custom_fields.test_types import add_field, create, names


async def test_bad_definitions_are_refused_per_input(api):
    cases = [
        ({"name": "Bad Name", "type": "text", "label": "X"}, "name"),
        ({"name": "name", "type": "text", "label": "X"}, "name"),  # a native field
        ({"name": "deleted_at", "type": "text", "label": "X"}, "name"),  # a system column
        ({"name": "x", "type": "blob", "label": "X"}, "type"),
        ({"name": "x", "type": "text"}, "label_en"),
        ({"name": "x", "type": "reference", "label": "X", "reference": "nowhere.thing"}, "reference"),
        ({"name": "x", "type": "integer", "label": "X", "min_value": 10, "max_value": 5}, "max_value"),
        ({"name": "x", "type": "text", "label": "X", "pattern": "(a+)+$"}, "pattern"),
        ({"name": "x", "type": "text", "label": "X", "pattern": "("}, "pattern"),
        ({"name": "x", "type": "integer", "label": "X", "default": "ten"}, "default"),
        ({"name": "x", "type": "integer", "label": "X", "min_value": 1, "default": 0}, "default"),
        ({"name": "x", "type": "choice", "label": "X"}, "choices"),
        ({"name": "x", "type": "choice", "label": "X", "choices": ["a", "a"]}, "choices"),
        ({"name": "x", "type": "boolean", "label": "X", "unique": True}, "unique"),
        ({"name": "x", "type": "long_text", "label": "X", "indexed": True}, "indexed"),
        ({"name": "x", "type": "text", "label": "X", "min_value": 1}, "min_value"),
        ({"name": "x", "type": "text", "label": "X", "colour": "red"}, "colour"),
    ]
    for body, key in cases:
        response = await api.post("/api/fields/contacts/client", json=body)
        assert response.status_code == 400, (body, response.text)
        assert key in response.json()["errors"], (body, response.json())
    assert (await api.post("/api/fields/nowhere/thing", json={"name": "x", "type": "text", "label": "X"})).status_code == 404
    assert (await api.get("/api/fields/contacts/client")).json()["items"] == []
    await add_field(api, name="x", type="text", label="X")
    again = await api.post("/api/fields/contacts/client", json={"name": "x", "type": "integer", "label": "X"})
    assert again.status_code == 400 and "already has a field" in again.json()["errors"]["name"]


async def test_required_and_default(api):
    await add_field(api, name="level", type="integer", label="Level", required=True)  # no rows yet: allowed
    refused = await api.post("/api/contacts/client", json={"name": "no level"})
    assert refused.status_code == 422 and "level" in refused.json()["errors"]
    await create(api, "one", level=1)
    # records exist: a new required field without a default would leave them empty
    response = await api.post("/api/fields/contacts/client", json={"name": "tier", "type": "choice", "label": "Tier",
                                                                   "choices": ["gold", "iron"], "required": True})
    assert response.status_code == 400 and "required" in response.json()["errors"]
    # with a default it is written into the existing records
    await add_field(api, name="tier", type="choice", label="Tier", choices=["gold", "iron"], required=True, default="iron")
    assert await names(api, "tier=iron") == ["one"]
    created = await create(api, "two", level=2)
    assert created["tier"] == "iron"  # the default on create
    # making an optional field required: refused while records lack a value and there is no default
    await add_field(api, name="note", type="text", label="Note")
    assert (await api.patch("/api/fields/contacts/client/note", json={"required": True})).status_code == 409
    ok = await api.patch("/api/fields/contacts/client/note", json={"required": True, "default": "n/a"})
    assert ok.status_code == 200, ok.text
    assert sorted(await names(api, "note=n%2Fa")) == ["one", "two"]


async def test_unique(api):
    await add_field(api, name="code", type="text", label="Code", unique=True, indexed=True)
    await create(api, "a", code="X1")
    dup = await api.post("/api/contacts/client", json={"name": "b", "code": "X1"})
    assert dup.status_code == 422 and "code" in dup.json()["errors"]
    await create(api, "b", code="X2")
    await add_field(api, name="ref", type="text", label="Ref")
    await create(api, "c", ref="same")
    await create(api, "d", ref="same")
    turned = await api.patch("/api/fields/contacts/client/ref", json={"unique": True})
    assert turned.status_code == 409 and "unique" in turned.json()["errors"]


async def test_type_change_is_refused_once_records_hold_values(api):
    await add_field(api, name="size", type="text", label="Size")
    changed = await api.patch("/api/fields/contacts/client/size", json={"type": "integer"})
    assert changed.status_code == 200 and changed.json()["type"] == "integer"  # no data yet
    await create(api, "a", size=3)
    refused = await api.patch("/api/fields/contacts/client/size", json={"type": "text"})
    assert refused.status_code == 409 and "type" in refused.json()["errors"]
    assert (await api.patch("/api/fields/contacts/client/size", json={"name": "other"})).status_code == 400
    await add_field(api, name="kind2", type="choice", label="Kind", choices=["a", "b"])
    await create(api, "b", kind2="b")
    dropped = await api.patch("/api/fields/contacts/client/kind2", json={"choices": ["a"]})
    assert dropped.status_code == 409 and "choices" in dropped.json()["errors"]
    assert (await api.patch("/api/fields/contacts/client/kind2", json={"choices": ["a", "b", "c"]})).status_code == 200


async def test_retire_keeps_data_restore_shows_it_purge_removes_it(api, kernel):
    from core.custom_fields.definitions import records_with_values

    await add_field(api, name="score", type="integer", label="Score", indexed=True)
    row = await create(api, "a", score=7)
    retired = await api.post("/api/fields/contacts/client/score/retire")
    assert retired.status_code == 200 and retired.json()["retired"] is True
    hidden = (await api.get(f"/api/contacts/client/{row['id']}")).json()
    assert "score" not in hidden
    assert (await api.get("/api/contacts/client?score=7")).status_code == 400  # no such field now
    assert (await api.post("/api/contacts/client", json={"name": "b", "score": 1})).status_code == 400
    # an edit of another field keeps the retired value
    edited = await api.patch(f"/api/contacts/client/{row['id']}", json={"name": "a2"}, headers={"If-Match": f'"{hidden["version"]}"'})
    assert edited.status_code == 200
    assert [d["name"] for d in (await api.get("/api/fields/contacts/client?retired=1")).json()["items"]] == ["score"]
    assert (await api.get("/api/fields/contacts/client")).json()["items"] == []
    restored = await api.post("/api/fields/contacts/client/score/restore")
    assert restored.status_code == 200
    assert (await api.get(f"/api/contacts/client/{row['id']}")).json()["score"] == 7
    assert await names(api, "score=7") == ["a2"]
    # purge only a retired field
    assert (await api.post("/api/fields/contacts/client/score/purge")).status_code == 409
    assert (await api.delete("/api/fields/contacts/client/score")).json()["retired"] is True
    spec = (await __import__("core.custom_fields.definitions", fromlist=["x"]).get_definition("contacts.client", "score")).field
    entity = kernel.entities["contacts.client"]
    assert await records_with_values(entity, spec) == 1
    purged = await api.post("/api/fields/contacts/client/score/purge")
    assert purged.status_code == 200 and purged.json() == {"purged": "score", "records": 1}
    assert await records_with_values(entity, spec) == 0
    assert (await api.get("/api/fields/contacts/client/score")).status_code == 404
    # the name is free again, and the old values do not come back
    await add_field(api, name="score", type="text", label="Score")
    assert (await api.get(f"/api/contacts/client/{row['id']}")).json()["score"] is None


async def test_search_reaches_custom_text_fields_but_not_retired_ones(api):
    await add_field(api, name="nickname", type="text", label="Nickname")
    await create(api, "Acme", nickname="Ромашка")
    await create(api, "Other")
    assert await names(api, "q=ромаш") == ["Acme"]
    assert await names(api, "q=acme") == ["Acme"]
    await api.post("/api/fields/contacts/client/nickname/retire")
    assert await names(api, "q=ромаш") == []


async def test_openapi_types_custom_fields(api):
    await add_field(api, name="budget", type="money", label="Budget", required=True)
    await add_field(api, name="tags", type="multi_choice", label="Tags", choices=["a", "b"])
    await add_field(api, name="since", type="date", label="Since")
    schema = (await api.get("/schema/openapi.json")).json()
    record = schema["components"]["schemas"]["ContactsClientRecord"]["properties"]
    create_schema = schema["components"]["schemas"]["ContactsClientCreate"]
    assert create_schema["properties"]["budget"]["format"] == "decimal"
    assert "budget" in create_schema["required"]
    assert record["tags"]["anyOf"][0]["items"] == {"type": "string", "enum": ["a", "b"]}
    assert record["since"]["anyOf"][0]["format"] == "date"
    assert "/api/fields/{plugin}/{name}" in schema["paths"]
    await api.post("/api/fields/contacts/client/since/retire")
    schema = (await api.get("/schema/openapi.json")).json()
    assert "since" not in schema["components"]["schemas"]["ContactsClientRecord"]["properties"]


async def test_changes_of_custom_values_reach_the_timeline(api):
    await add_field(api, name="deal_phase", type="choice", label="Deal phase", choices=["lead=Lead", "won=Won"])
    row = await create(api, "Acme", deal_phase="lead")
    await api.patch(f"/api/contacts/client/{row['id']}", json={"deal_phase": "won"}, headers={"If-Match": '"1"'})
    from core.db.engine import get_engine
    from piccolo.querystring import QueryString

    rows = await get_engine().run_querystring(QueryString(
        'SELECT "action", "old_value", "new_value" FROM "core_audit_change" WHERE "record_id" = {} AND "field" = {} ORDER BY "at"',
        __import__("uuid").UUID(row["id"]), "deal_phase"))
    assert [(r["action"], r["old_value"], r["new_value"]) for r in rows] == [("create", None, '"lead"'), ("update", '"lead"', '"won"')]
    page = await api.get(f"/contacts/client/{row['id']}")
    assert page.status_code == 200 and "Deal phase" in page.text


async def test_only_field_administrators_may_change_definitions(api, make_user, client_as):
    user = await make_user(roles=["sales_manager"])
    async with client_as(user) as c:
        assert (await c.post("/api/fields/contacts/client", json={"name": "x", "type": "text", "label": "X"})).status_code == 404
        assert (await c.get("/admin/fields")).status_code == 404
    assert (await api.get("/api/fields/contacts/client")).json()["items"] == []

"""Issue 14, item 9: the OpenAPI schema and its docs page are for signed-in users, and the
schema is built for the one asking: no field a field rule hides from them, no choice of it."""

from __future__ import annotations

import uuid

import pytest

from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD, USER_PASSWORD, custom_role, serving

RECORD = "ContactsClientRecord"


@pytest.mark.parametrize("path", ["/schema/openapi.json", "/_litestar/schema/openapi.json", "/api/docs"])
async def test_the_schema_is_not_public(anonymous, path):
    assert (await anonymous.get(path, headers={"Accept": "application/json"})).status_code == 401
    page = await anonymous.get(path, headers={"Accept": "text/html"})  # under /api/ a browser gets the API's 401 too
    assert (page.status_code, page.headers.get("location", "/login")[:6]) in ((303, "/login"), (401, "/login"))


async def test_the_schema_leaves_out_what_the_reader_may_not_read(app_factory, make_user):
    from core.custom_fields.definitions import create_field, purge_field, retire_field

    app = app_factory()
    kernel = app.state.kernel
    suffix = uuid.uuid4().hex[:8]
    field, choice = f"hush_{suffix}", f"vip_{suffix}"
    await create_field("contacts.client", field, "choice", "Hush", kernel=kernel, choices=[f"{choice}=VIP"])
    try:
        role = await custom_role({"contacts.client.read": "all", "contacts.client.create": "own", "contacts.client.write": "own"},
                                 hidden=[("contacts.client", field)], readonly=[("contacts.client", "inn")])
        reader = await make_user(roles=[role.key])
        async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as admin:
            full = await admin.get("/schema/openapi.json")
            assert (await admin.get("/api/docs")).status_code == 200
        assert full.status_code == 200 and field in full.json()["components"]["schemas"][RECORD]["properties"]
        assert choice in full.text
        async with serving(app, login=(reader.email, USER_PASSWORD)) as client:
            mine = await client.get("/schema/openapi.json")
        assert mine.status_code == 200
        schemas = mine.json()["components"]["schemas"]
        assert field not in mine.text and choice not in mine.text  # neither the name nor its choices
        assert "name" in schemas[RECORD]["properties"] and "inn" in schemas[RECORD]["properties"]
        assert "inn" not in schemas["ContactsClientCreate"]["properties"]  # readable, not writable
        assert "ContactsTaskRecord" not in schemas and "/api/contacts/task" not in mine.json()["paths"]  # no read grant
    finally:
        await retire_field("contacts.client", field, kernel=kernel)
        await purge_field("contacts.client", field, kernel=kernel)

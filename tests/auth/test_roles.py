"""Roles: the stock roles exist; an administrator edits grants (every scope)
and field rules (hidden, read-only) in the UI and they hold from the user's
next request; a re-sync keeps the edit; "restore defaults" undoes it."""

from __future__ import annotations

import uuid

from core.auth.principals import principal_for_user
from core.auth.users import user_by_email
from core.permissions.gate import Gate
from core.permissions.roles import STOCK_KEYS
from core.permissions.tables import Role, RoleFieldRule, RoleGrant
from core.testing.cli import Instance
from core.testing.fixtures import ADMIN_EMAIL, SESSION_DB_URL, USER_PASSWORD, serving
from tests.auth.helpers import detail, events, role_form

READ = "grant.contacts.client.read"


async def a_client(app, name: str, phone: str = "+7 900 000-00-00") -> str:
    admin = await user_by_email(ADMIN_EMAIL)
    gate = Gate(app.state.kernel, app.state.kernel.entities["contacts.client"], await principal_for_user(admin.id, via="system"))
    return str((await gate.create({"name": name, "phone": phone}))["id"])


async def test_the_stock_roles_exist_after_sync(client):
    rows = await Role.select(Role.key, Role.builtin).where(Role.builtin == True)  # noqa: E712
    assert {r["key"] for r in rows} >= {"administrator", "head_of_sales", "sales_manager", "marketer", "service_engineer", "read_only"}
    assert set(STOCK_KEYS) == {"administrator", "head_of_sales", "sales_manager", "marketer", "service_engineer", "read_only"}
    listing = await client.get("/admin/roles")
    for key in STOCK_KEYS:
        assert f"/admin/roles/{key}" in listing.text
    # The administrator holds everything and cannot be edited.
    refused = await client.post("/admin/roles/administrator", data={READ: "none"})
    assert refused.status_code == 400 and "always holds everything" in refused.text


async def test_an_edited_stock_role_holds_at_the_next_request_and_survives_a_resync(client, app_factory, make_user, tmp_path):
    user = await make_user(roles=["read_only"])
    app = app_factory()
    record = await a_client(app, f"Role edit {uuid.uuid4().hex[:6]}")
    original = await role_form(client, "read_only")
    assert original[READ] == "all"
    async with serving(app, login=(user.email, USER_PASSWORD)) as reader:
        try:
            assert (await reader.get(f"/api/contacts/client/{record}")).status_code == 200
            assert (await client.post("/admin/roles/read_only", data={**original, READ: "none"})).status_code == 303
            # The same session, the very next request: the grant is gone.
            assert (await reader.get(f"/api/contacts/client/{record}")).status_code == 404
            assert (await reader.get("/api/contacts/client")).status_code == 404
            assert (await Role.select(Role.edited).where(Role.key == "read_only").first())["edited"] is True

            # `klientela db migrate` re-syncs the stock roles: the administrator's edit stays.
            cli = Instance(data_dir=tmp_path / "data", database_url=SESSION_DB_URL)
            cli.run("db", "migrate", check=True)
            assert (await role_form(client, "read_only"))[READ] == "none"
            assert (await reader.get(f"/api/contacts/client/{record}")).status_code == 404
        finally:
            assert (await client.post("/admin/roles/read_only/reset")).status_code == 303
        assert await role_form(client, "read_only") == original
        assert (await Role.select(Role.edited).where(Role.key == "read_only").first())["edited"] is False
        assert (await reader.get(f"/api/contacts/client/{record}")).status_code == 200


async def test_every_scope_and_both_field_rules_from_the_ui(client, app_factory, make_user):
    key = f"t_ui_{uuid.uuid4().hex[:8]}"
    made = await client.post("/admin/roles", data={"key": key, "label_en": "UI role", "copy_from": "sales_manager"})
    assert made.status_code == 303 and made.headers["location"].startswith(f"/admin/roles/{key}")
    copied = await role_form(client, key)
    assert copied == await role_form(client, "sales_manager")
    for scope in ("none", "own", "team", "department", "all"):
        assert (await client.post(f"/admin/roles/{key}", data={**copied, READ: scope})).status_code == 303
        assert (await role_form(client, key))[READ] == scope
        stored = await RoleGrant.select(RoleGrant.scope).where(
            (RoleGrant.role == (await Role.select(Role.id).where(Role.key == key).first())["id"]) & (RoleGrant.permission == "contacts.client.read")
        )
        assert [g["scope"] for g in stored] == ([] if scope == "none" else [scope])
    bad = await client.post(f"/admin/roles/{key}", data={**copied, READ: "everything"})
    assert bad.status_code == 400
    assert (await role_form(client, key))[READ] == "all"

    user = await make_user()
    from core.auth.users import set_roles

    await set_roles(user.id, [key])
    app = app_factory()
    async with serving(app, login=(user.email, USER_PASSWORD)) as member:
        mine = await member.post("/api/contacts/client", json={"name": f"Mine {uuid.uuid4().hex[:6]}", "phone": "+7 900 111-22-33"})
        assert mine.status_code == 201, mine.text
        record = mine.json()["id"]
        assert (await member.get(f"/api/contacts/client/{record}")).json()["phone"] == "+79001112233"  # stored in E.164

        # Read-only: the field is shown, a write naming it is refused (not ignored).
        rule = await client.post(f"/admin/roles/{key}/fields", data={"entity": "contacts.client", "field": "phone", "access": "readonly"})
        assert rule.status_code == 303
        current = await member.get(f"/api/contacts/client/{record}")
        assert current.json()["phone"] == "+79001112233"
        version = current.headers.get("etag", '"1"')
        refused = await member.patch(f"/api/contacts/client/{record}", json={"phone": "+7 000"}, headers={"If-Match": version})
        assert refused.status_code in (400, 403, 422) and "phone" in refused.text
        # Hidden: the field is gone from what the user reads.
        rule = await client.post(f"/admin/roles/{key}/fields", data={"entity": "contacts.client", "field": "phone", "access": "hidden"})
        assert rule.status_code == 303
        assert "phone" not in (await member.get(f"/api/contacts/client/{record}")).json()
        # Removing the rule gives it back.
        [row] = await RoleFieldRule.select(RoleFieldRule.id).where(RoleFieldRule.field == "phone").where(
            RoleFieldRule.role == (await Role.select(Role.id).where(Role.key == key).first())["id"])
        assert (await client.post(f"/admin/roles/{key}/fields/{row['id']}/delete")).status_code == 303
        assert (await member.get(f"/api/contacts/client/{record}")).json()["phone"] == "+79001112233"
    bad_rule = await client.post(f"/admin/roles/{key}/fields", data={"entity": "contacts.client", "field": "phone", "access": "writable"})
    assert bad_rule.status_code == 400
    changes = [e for e in await events("role_changed") if detail(e).get("role") == key]
    assert len(changes) == 1 + 5 + 3  # created, five scope edits, two rules added and one removed


async def test_restore_defaults_also_drops_field_rules(client):
    """A stock role's defaults have no field rules: restoring them removes any an administrator added."""
    try:
        added = await client.post("/admin/roles/marketer/fields", data={"entity": "contacts.client", "field": "inn", "access": "hidden"})
        assert added.status_code == 303
    finally:
        assert (await client.post("/admin/roles/marketer/reset")).status_code == 303
    role = await Role.select(Role.id, Role.edited).where(Role.key == "marketer").first()
    assert role["edited"] is False
    assert await RoleFieldRule.count().where(RoleFieldRule.role == role["id"]) == 0


async def test_role_screens_are_closed_to_non_administrators(app_factory, make_user):
    user = await make_user(roles=["head_of_sales"])
    async with serving(app_factory(), login=(user.email, USER_PASSWORD)) as other:
        assert (await other.get("/admin/roles")).status_code == 404
        assert (await other.post("/admin/roles/read_only", data={READ: "none"})).status_code == 404
    assert (await Role.select(Role.edited).where(Role.key == "read_only").first())["edited"] is False


async def test_saving_a_role_keeps_permissions_outside_the_matrix_columns(client):
    # Permissions whose action is no column of the matrix (sharing views, exceeding the manual
    # discount limit) are listed apart by label; saving the page once dropped them silently.
    key = f"t_{uuid.uuid4().hex[:8]}"
    made = await client.post("/admin/roles", data={"key": key, "label_en": "Copied head", "copy_from": "head_of_sales"})
    assert made.status_code == 303
    page = (await client.get(f"/admin/roles/{key}")).text
    assert "Give manual discounts over the limit" in page
    form = await role_form(client, key)
    assert form["grant.sales.deal.discount_over_limit"] == "all" and form["grant.core.saved_view.share"] == "all"
    assert (await client.post(f"/admin/roles/{key}", data=form)).status_code == 303
    role = await Role.objects().where(Role.key == key).first()
    kept = {r["permission"]: r["scope"] for r in await RoleGrant.select().where(RoleGrant.role == role.id)}
    assert kept["sales.deal.discount_over_limit"] == "all" and kept["core.saved_view.share"] == "all"
    assert (await client.post(f"/admin/roles/{key}", data={**form, "grant.sales.deal.discount_over_limit": "none"})).status_code == 303
    kept = {r["permission"] for r in await RoleGrant.select().where(RoleGrant.role == role.id)}
    assert "sales.deal.discount_over_limit" not in kept and "core.saved_view.share" in kept

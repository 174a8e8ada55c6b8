"""Inline edit of one field on the record page: the small form carries the version,
a save re-renders the field, a stale version is a conflict that shows what changed,
a bad value stays in place with its error, and fields the user may not change are refused."""

from __future__ import annotations

import uuid

import pytest

from core.permissions.tables import UserRole
from core.testing.fixtures import custom_role

PAGE = "/contacts/client"
API = "/api/contacts/client"
HX = {"HX-Request": "true", "HX-Target": "field-email"}


@pytest.fixture
async def record(client) -> dict:
    response = await client.post(API, json={"name": f"ie{uuid.uuid4().hex[:8]} Ltd", "email": "old@example.com", "kind": "company"})
    assert response.status_code == 201
    return response.json()


async def stored(client, record) -> dict:
    return (await client.get(f"{API}/{record['id']}")).json()


async def test_the_record_page_offers_a_pencil_per_editable_field_only(client, record):
    page = (await client.get(f"{PAGE}/{record['id']}")).text
    assert f'hx-get="{PAGE}/{record["id"]}/fields/email/edit"' in page
    assert '<dd id="field-email">' in page
    assert "/fields/created_at/edit" not in page and "/fields/version/edit" not in page  # system fields


async def test_edit_form_then_save_rerenders_the_field_and_moves_the_version_on(client, record):
    form = await client.get(f"{PAGE}/{record['id']}/fields/email/edit", headers=HX)
    assert form.status_code == 200 and "<html" not in form.text
    assert 'name="_version" value="1"' in form.text and 'value="old@example.com"' in form.text
    saved = await client.post(f"{PAGE}/{record['id']}/fields/email", data={"email": "new@example.com", "_version": "1"}, headers=HX)
    assert saved.status_code == 200
    assert "new@example.com" in saved.text and "<form" not in saved.text
    # The page's other forms (delete) learn the new version out of band.
    assert '<input type="hidden" id="record-version" name="_version" value="2" hx-swap-oob="true">' in saved.text
    after = await stored(client, record)
    assert after["email"] == "new@example.com" and after["version"] == 2
    # Without htmx the same post redirects back to the record.
    plain = await client.post(f"{PAGE}/{record['id']}/fields/email", data={"email": "plain@example.com", "_version": "2"})
    assert plain.status_code == 303 and plain.headers["location"] == f"{PAGE}/{record['id']}"
    # Cancel: the field as it is now.
    shown = await client.get(f"{PAGE}/{record['id']}/fields/email", headers=HX)
    assert "plain@example.com" in shown.text and "/fields/email/edit" in shown.text


async def test_a_stale_version_is_a_conflict_showing_the_stored_value_and_keeping_the_typed_one(client, record):
    patched = await client.patch(f"{API}/{record['id']}", json={"email": "theirs@example.com"}, headers={"If-Match": '"1"'})
    assert patched.status_code == 200
    stale = await client.post(f"{PAGE}/{record['id']}/fields/email", data={"email": "mine@example.com", "_version": "1"}, headers=HX)
    assert stale.status_code == 409
    assert "theirs@example.com" in stale.text and 'value="mine@example.com"' in stale.text and 'role="alert"' in stale.text
    assert 'name="_version" value="2"' in stale.text  # saving again is a knowing overwrite
    assert (await stored(client, record))["email"] == "theirs@example.com"
    again = await client.post(f"{PAGE}/{record['id']}/fields/email", data={"email": "mine@example.com", "_version": "2"}, headers=HX)
    assert again.status_code == 200 and (await stored(client, record))["email"] == "mine@example.com"


async def test_a_bad_value_stays_in_place_with_its_error(client, record):
    bad = await client.post(f"{PAGE}/{record['id']}/fields/email", data={"email": "not an email", "_version": "1"}, headers=HX)
    assert bad.status_code == 422
    assert 'aria-invalid="true" aria-describedby="i-e-email"' in bad.text and 'id="i-e-email"' in bad.text
    assert 'value="not an email"' in bad.text
    required = await client.post(f"{PAGE}/{record['id']}/fields/name", data={"name": "", "_version": "1"}, headers=HX)
    assert required.status_code == 422 and 'id="i-e-name"' in required.text
    no_version = await client.post(f"{PAGE}/{record['id']}/fields/email", data={"email": "x@example.com"}, headers=HX)
    assert no_version.status_code == 400 and "version" in no_version.text
    assert (await stored(client, record))["version"] == 1


async def test_hidden_readonly_system_and_smuggled_fields_are_refused(client, client_as, make_user, record):
    role = await custom_role({"contacts.client.read": "all", "contacts.client.write": "all"},
                             hidden=[("contacts.client", "email")], readonly=[("contacts.client", "phone")])
    user = await make_user()
    await UserRole.insert(UserRole(user=user.id, role=role.id))
    rid = record["id"]
    async with client_as(user) as c:
        page = (await c.get(f"{PAGE}/{rid}")).text
        assert '/fields/phone/edit"' not in page and '/fields/email/edit"' not in page and '"field-email"' not in page
        assert '/fields/name/edit"' in page
        # Hidden: the same 404 as a field that does not exist.
        for name in ("email", "nonexistent"):
            assert (await c.get(f"{PAGE}/{rid}/fields/{name}/edit", headers=HX)).status_code == 404
            assert (await c.post(f"{PAGE}/{rid}/fields/{name}", data={name: "x@example.com", "_version": "1"}, headers=HX)).status_code == 404
        # Readable but not changeable: refused with the reason.
        for name in ("phone", "created_at", "version"):
            refused = await c.post(f"{PAGE}/{rid}/fields/{name}", data={name: "1", "_version": "1"}, headers=HX)
            assert refused.status_code == 400 and "cannot be changed here" in refused.text, name
        # The owner needs the assign permission, even smuggled along with an allowed field.
        smuggled = await c.post(f"{PAGE}/{rid}/fields/name", data={"name": "Renamed", "owner_id": str(user.id), "_version": "1"}, headers=HX)
        assert smuggled.status_code == 400 and "owner_id" in smuggled.text
    after = await stored(client, record)
    assert after["version"] == 1 and after["name"] == record["name"]


async def test_another_users_record_is_not_found(client_as, make_user, record):
    outsider = await make_user(roles=["sales_manager"])  # own scope: the admin's client is not theirs
    async with client_as(outsider) as c:
        assert (await c.get(f"{PAGE}/{record['id']}/fields/email/edit", headers=HX)).status_code == 404
        assert (await c.post(f"{PAGE}/{record['id']}/fields/email", data={"email": "x@example.com", "_version": "1"}, headers=HX)).status_code == 404

"""S3 (no filtering, sorting or searching through a field one cannot read) and
S4 (mass assignment: forbidden keys on every write endpoint are rejected and
change nothing), over HTTP on the API and the pages."""

from __future__ import annotations

import uuid

import pytest

from core.auth.principals import principal_for_user
from core.auth.tables import User
from core.permissions.gate import Gate
from core.permissions.tables import UserRole
from core.testing.fixtures import ADMIN_EMAIL, USER_PASSWORD, custom_role, serving
from tests.security.db_state import differences, snapshot

ACTIONS = ("read", "create", "write", "delete", "restore")


@pytest.fixture
async def clerk(make_user):
    """A user who works on all clients but may not see the tax id nor change the email."""
    role = await custom_role(
        {f"contacts.client.{a}": "all" for a in ACTIONS},
        hidden=[("contacts.client", "inn")], readonly=[("contacts.client", "email")],
    )
    user = await make_user()
    await UserRole.insert(UserRole(user=user.id, role=role.id))
    return user


async def seeded_client(app, owner_id, **values) -> dict:
    admin = await User.objects().where(User.email == ADMIN_EMAIL).first()
    gate = Gate(app.state.kernel, app.state.kernel.entities["contacts.client"], await principal_for_user(admin.id, via="system"))
    return await gate.create({"name": f"Client {uuid.uuid4().hex[:6]}", "owner_id": str(owner_id), **values})


async def test_hidden_field_is_masked_and_every_way_of_probing_it_is_refused(app_factory, clerk):
    app = app_factory(jobs_in_process=False)  # no scheduled job writes while the database is compared
    row = await seeded_client(app, clerk.id, inn="7707083893", email="a@example.com")
    async with serving(app, login=(clerk.email, USER_PASSWORD)) as client:
        got = (await client.get(f"/api/contacts/client/{row['id']}")).json()
        assert "inn" not in got and got["name"] == row["name"]
        page = (await client.get(f"/contacts/client/{row['id']}")).text
        assert "7707083893" not in page
        probes = {
            "filter": {"inn": "7707083893"},
            "filter op": {"inn__startswith": "77"},
            "sort": {"sort": "inn"},
            "sort desc": {"sort": "-inn"},
        }
        for label, params in probes.items():
            for url in ("/api/contacts/client", "/api/contacts/client/count", "/contacts/client/"):
                response = await client.get(url, params=params)
                assert response.status_code == 400, (label, url, response.status_code)
                assert "inn" in response.text
        # Search never matches through a hidden field's value either.
        found = (await client.get("/api/contacts/client", params={"q": "7707083893"})).json()["items"]
        assert all(str(item["id"]) != str(row["id"]) for item in found)


FORBIDDEN = {
    "id": str(uuid.uuid4()),
    "created_by": str(uuid.uuid4()),
    "updated_by": str(uuid.uuid4()),
    "created_at": "2001-01-01T00:00:00+00:00",
    "updated_at": "2001-01-01T00:00:00+00:00",
    "version": 99,
    "deleted_at": "2001-01-01T00:00:00+00:00",
    "search_text": "planted",
    "custom": {"x": 1},
    "is_admin": True,
    "role": "administrator",
    "roles": ["administrator"],
    "team": "North",
    "department": "Sales",
}


async def test_mass_assignment_is_rejected_on_every_write_endpoint_and_changes_nothing(app_factory, clerk, make_user):
    """A clerk without ``assign`` may not set the owner; nobody may set system keys."""
    app = app_factory(jobs_in_process=False)  # no scheduled job writes while the database is compared
    row = await seeded_client(app, clerk.id, email="a@example.com")
    other = await make_user()
    async with serving(app, login=(clerk.email, USER_PASSWORD)) as client:
        attempts = {**FORBIDDEN, "owner_id": str(other.id), "email": "changed@example.com", "inn": "500100732259"}
        before = await snapshot()
        for key, value in attempts.items():
            body = {"name": "Renamed", key: value}
            created = await client.post("/api/contacts/client", json=body)
            assert created.status_code == 400 and key in created.json()["errors"], (key, created.text)
            patched = await client.patch(f"/api/contacts/client/{row['id']}", json=body, headers={"If-Match": '"1"'})
            assert patched.status_code == 400 and key in patched.json()["errors"], (key, patched.text)
            form = {"name": "Renamed", key: value if isinstance(value, str) else str(value)}
            page_create = await client.post("/contacts/client/", data=form)
            assert page_create.status_code == 422 and key in page_create.text, (key, page_create.status_code)
            page_update = await client.post(f"/contacts/client/{row['id']}", data={**form, "_version": "1"})
            assert page_update.status_code == 422, (key, page_update.status_code)
            bulk = await client.post("/contacts/client/bulk", data={"action": "set", "ids": str(row["id"]), "field": key, "value": form[key]})
            assert bulk.status_code in (200, 400) and "Renamed" not in bulk.text
        assert differences(before, await snapshot()) == {}
        # Not vacuous: the same endpoint accepts an allowed change.
        ok = await client.patch(f"/api/contacts/client/{row['id']}", json={"name": "Renamed"}, headers={"If-Match": '"1"'})
        assert ok.status_code == 200 and ok.json()["name"] == "Renamed"

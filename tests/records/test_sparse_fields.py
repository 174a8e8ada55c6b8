"""Sparse fields: ``fields=`` (or a list's ``columns=``) cuts the list and record API down to
exactly those fields; an unknown or unreadable one is refused (S3), the default stays every
readable field."""

from __future__ import annotations

import uuid

import pytest

from core.auth.principals import principal_for_user
from core.auth.tables import User
from core.permissions.gate import Gate, ListRequest
from core.permissions.errors import Refused
from core.permissions.tables import UserRole
from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD, USER_PASSWORD, custom_role, serving

ACTIONS = ("read", "create", "write", "delete", "restore")


@pytest.fixture
async def clerk(make_user):
    """Works on all clients, but may not read the tax id."""
    role = await custom_role({f"contacts.client.{a}": "all" for a in ACTIONS}, hidden=[("contacts.client", "inn")])
    user = await make_user()
    await UserRole.insert(UserRole(user=user.id, role=role.id))
    return user


@pytest.fixture
async def seeded(app_factory, clerk):
    """Three clients named ``<marker> 1..3``, with an email and a tax id."""
    app = app_factory(jobs_in_process=False)
    admin = await User.objects().where(User.email == ADMIN_EMAIL).first()
    gate = Gate(app.state.kernel, app.state.kernel.entities["contacts.client"], await principal_for_user(admin.id, via="system"))
    marker = f"sp{uuid.uuid4().hex[:8]}"
    rows = [await gate.create({"name": f"{marker} {i}", "email": f"{marker}{i}@example.com", "inn": "7707083893",
                               "owner_id": str(clerk.id)}) for i in (1, 2, 3)]
    return app, marker, rows


async def test_fields_returns_exactly_those_fields_on_list_and_record(seeded, clerk):
    app, marker, rows = seeded
    async with serving(app, login=(clerk.email, USER_PASSWORD)) as client:
        listed = await client.get("/api/contacts/client", params={"name__startswith": marker, "fields": "name,email", "sort": "name"})
        assert listed.status_code == 200, listed.text
        items = listed.json()["items"]
        assert [list(item) for item in items] == [["name", "email"]] * 3
        assert [item["email"] for item in items] == [f"{marker}{i}@example.com" for i in (1, 2, 3)]
        # A list's columns= means the same; fields= wins when both are given.
        by_columns = (await client.get("/api/contacts/client", params={"name__startswith": marker, "columns": "email"})).json()
        assert {tuple(item) for item in by_columns["items"]} == {("email",)}
        both = (await client.get("/api/contacts/client", params={"name__startswith": marker, "columns": "email", "fields": "id"})).json()
        assert {str(item["id"]) for item in both["items"]} == {str(r["id"]) for r in rows}
        # Paging still works when the sort's field is not among those returned.
        first = (await client.get("/api/contacts/client", params={"name__startswith": marker, "fields": "id", "sort": "name", "limit": 2})).json()
        rest = (await client.get("/api/contacts/client", params={"name__startswith": marker, "fields": "id", "sort": "name",
                                                                  "limit": 2, "cursor": first["next_cursor"]})).json()
        assert [i["id"] for i in first["items"] + rest["items"]] == [str(r["id"]) for r in rows]
        assert rest["next_cursor"] is None
        one = await client.get(f"/api/contacts/client/{rows[0]['id']}", params={"fields": "email,name"})
        assert one.status_code == 200
        assert one.json() == {"email": f"{marker}1@example.com", "name": f"{marker} 1"}
        assert one.headers["etag"] == f'"{rows[0]["version"]}"'  # the version is still the ETag
        # The default: every field this user may read, the hidden tax id not among them.
        full = (await client.get(f"/api/contacts/client/{rows[0]['id']}")).json()
        assert "inn" not in full and {"id", "version", "name", "email", "kind"} <= set(full)
        # The trash list answers the same way.
        assert (await client.delete(f"/api/contacts/client/{rows[2]['id']}")).status_code == 204
        trash = (await client.get("/api/contacts/client/trash", params={"name__startswith": marker, "fields": "name"})).json()
        assert trash["items"] == [{"name": f"{marker} 3"}]


async def test_unknown_and_unreadable_fields_are_refused_alike(seeded, clerk):
    """S3: asking for a hidden field is a 400 — with the words an unknown field gets, so the
    answer does not tell which fields exist."""
    app, marker, rows = seeded
    async with serving(app, login=(clerk.email, USER_PASSWORD)) as client:
        answers = {}
        for name in ("inn", "no_such_field"):
            for url in ("/api/contacts/client", f"/api/contacts/client/{rows[0]['id']}"):
                for key in ("fields", "columns"):
                    response = await client.get(url, params={key: f"name,{name}"})
                    assert response.status_code == 400, (name, url, key, response.text)
                    errors = response.json()["errors"]
                    assert list(errors) == ["fields"] and name in errors["fields"]
                    answers[(name, url, key)] = errors["fields"].replace(name, "X")
        assert len(set(answers.values())) == 1
    # The administrator reads the tax id, and gets it when asking for it.
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as admin:
        got = await admin.get(f"/api/contacts/client/{rows[0]['id']}", params={"fields": "inn"})
        assert got.status_code == 200 and got.json() == {"inn": "7707083893"}


async def test_the_gate_reads_only_the_columns_asked_for(seeded, clerk):
    """In Python too: ListRequest.fields; a hidden field is refused by the gate itself."""
    app, marker, rows = seeded
    from core.entities.sql import Filter

    gate = await Gate.open(app.state.kernel, "contacts.client", await principal_for_user(clerk.id))
    page = await gate.list(ListRequest(filters=[Filter("name", "startswith", marker)], sort=["-name"], fields=["name"]))
    assert page.rows == [{"name": f"{marker} {i}"} for i in (3, 2, 1)]
    assert '"inn"' not in gate._select_list(["name", "id"]) and '"custom"' not in gate._select_list(["name", "id"])
    with pytest.raises(Refused):
        await gate.list(ListRequest(fields=["name", "inn"]))

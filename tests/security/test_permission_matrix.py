"""S1: the permission matrix, against the reviewed expectation file ``permission_matrix.toml``.

Every stock role (and a user with no role) × the contacts entities × every
action × {own, teammate's, other department's, deleted} × every channel that
exists today. A mismatch anywhere fails with the full list of mismatches.
"""

from __future__ import annotations

import tomllib
import uuid
from pathlib import Path

import pytest

from core.auth.principals import principal_for_user
from core.auth.tables import User
from core.permissions.errors import NotFound
from core.permissions.gate import Gate, ListRequest
from core.testing.fixtures import ADMIN_EMAIL, USER_PASSWORD, serving

MATRIX = tomllib.loads((Path(__file__).parent / "permission_matrix.toml").read_text(encoding="utf-8"))
OWNERSHIPS = ("own", "teammate", "other_department", "deleted")
# Search terms that are not substrings of each other, one per ownership.
TOKEN = {"own": "ownrec", "teammate": "materec", "other_department": "otherrec", "deleted": "delrec"}
TITLE = {"contacts.client": "name", "contacts.contact": "full_name"}
HX = {"HX-Request": "true", "HX-Target": "entity-rows"}


def test_expectation_file_covers_every_stock_role_and_is_consistent():
    from core.permissions.roles import STOCK_KEYS

    assert set(MATRIX) == {*STOCK_KEYS, "no_role"}
    for role, entities in MATRIX.items():
        assert set(entities) == set(TITLE), role
        for key, row in entities.items():
            assert set(row) == {"create", "read", "write", "delete", "restore"}, (role, key)
            for action in ("read", "write", "delete"):
                assert "deleted" not in row[action], f"{role}/{key}: a trashed record is never {action}able"
                assert set(row[action]) <= set(OWNERSHIPS), (role, key, action)
            # What one may change, one may read.
            assert set(row["write"]) <= set(row["read"]) and set(row["delete"]) <= set(row["read"]), (role, key)


class World:
    """Users, one app and the records the matrix is tried on, for one role."""

    def __init__(self, app, actor, owners, admin_principal, marker):
        self.app, self.actor, self.owners, self.admin, self.marker = app, actor, owners, admin_principal, marker
        self.kernel = app.state.kernel

    async def record(self, key: str, ownership: str, purpose: str) -> dict:
        entity = self.kernel.entities[key]
        owner = self.owners["own" if ownership == "deleted" else ownership]
        gate = Gate(self.kernel, entity, self.admin)
        row = await gate.create({TITLE[key]: f"{self.marker} {TOKEN[ownership]} {purpose}", "owner_id": str(owner.id)})
        if ownership == "deleted":
            await gate.delete(row["id"])
            row = await self.stored(key, row["id"])
        return row

    async def stored(self, key: str, record_id) -> dict:
        """The row as the administrator sees it (trash included)."""
        gate = Gate(self.kernel, self.kernel.entities[key], self.admin)
        try:
            return await gate.get(record_id)
        except NotFound:
            page = await gate.list(ListRequest(trash=True, search=self.marker, limit=500))
            return next(r for r in page.rows if r["id"] == record_id)


@pytest.fixture
def world_for(app_factory, make_user):
    async def build(role: str) -> World:
        suffix = uuid.uuid4().hex[:8]
        team = f"North-1-{suffix}"
        actor = await make_user(roles=[] if role == "no_role" else [role], team=team, department="Sales/North")
        teammate = await make_user(roles=["sales_manager"], team=team, department="Sales/North")
        other = await make_user(roles=["sales_manager"], team=f"Service-{suffix}", department="Service")
        admin = await User.objects().where(User.email == ADMIN_EMAIL).first()
        owners = {"own": actor, "teammate": teammate, "other_department": other}
        return World(app_factory(), actor, owners, await principal_for_user(admin.id, via="system"), f"mx{suffix}")

    return build


def ids(payload) -> set[str]:
    return {str(item["id"]) for item in payload["items"]}


async def observe_reads(world: World, client, key: str) -> dict[str, set[str]]:
    """channel -> ownerships visible on it."""
    entity = world.kernel.entities[key]
    plugin, name = key.split(".")
    api = f"/api/{plugin}/{name}"
    records = {o: await world.record(key, o, "read") for o in OWNERSHIPS}
    seen: dict[str, set[str]] = {c: set() for c in ("page", "partial", "api", "filter", "search", "count", "job")}
    listing = await client.get(api, params={f"{TITLE[key]}__startswith": world.marker, "limit": 200})
    filtered = ids(listing.json()) if listing.status_code == 200 else set()
    partial = await client.get(f"{entity.url}/", params={"q": world.marker, "limit": 200}, headers=HX)
    job_principal = await principal_for_user(world.actor.id)
    for ownership, row in records.items():
        rid = str(row["id"])
        if (await client.get(f"{entity.url}/{rid}")).status_code == 200:
            seen["page"].add(ownership)
        if partial.status_code == 200 and rid in partial.text:
            seen["partial"].add(ownership)
        if (await client.get(f"{api}/{rid}")).status_code == 200:
            seen["api"].add(ownership)
        if rid in filtered:
            seen["filter"].add(ownership)
        found = await client.get(api, params={"q": f"{world.marker} {TOKEN[ownership]}"})
        if found.status_code == 200 and rid in ids(found.json()):
            seen["search"].add(ownership)
        counted = await client.get(f"{api}/count", params={"q": f"{world.marker} {TOKEN[ownership]}"})
        if counted.status_code == 200 and counted.json()["count"] == 1:
            seen["count"].add(ownership)
        try:
            await Gate(world.kernel, entity, job_principal).get(row["id"])
            seen["job"].add(ownership)
        except NotFound:
            pass
    return seen


async def observe_changes(world: World, client, key: str) -> dict[str, set[str] | bool]:
    """(action, channel) -> ownerships where it succeeded; checks refused ones changed nothing."""
    entity = world.kernel.entities[key]
    plugin, name = key.split(".")
    api = f"/api/{plugin}/{name}"
    out: dict = {}
    untouched: list[str] = []

    async def attempt(action: str, channel: str, ownership: str) -> None:
        row = await world.record(key, ownership, f"{action}-{channel}")
        rid = str(row["id"])
        if action == "write":
            if channel == "api":
                r = await client.patch(f"{api}/{rid}", json={"email": "changed@example.com"}, headers={"If-Match": '"1"'})
                ok = r.status_code == 200
            else:
                r = await client.post(f"{entity.url}/{rid}", data={"email": "changed@example.com", "_version": "1"})
                ok = r.status_code == 303
        elif action == "delete":
            r = await (client.delete(f"{api}/{rid}") if channel == "api" else client.post(f"{entity.url}/{rid}/delete"))
            ok = r.status_code in (204, 303)
        else:  # restore
            r = await (client.post(f"{api}/{rid}/restore") if channel == "api" else client.post(f"{entity.url}/{rid}/restore"))
            ok = r.status_code in (200, 303)
        assert ok or r.status_code == 404, f"{action} via {channel} on {ownership}: {r.status_code} {r.text[:300]}"
        if ok:
            out.setdefault((action, channel), set()).add(ownership)
        elif (await world.stored(key, row["id"]))["version"] != row["version"]:
            untouched.append(f"{action} via {channel} on {ownership} was refused but changed the row")

    for channel in ("api", "page"):
        for ownership in ("own", "teammate", "other_department"):
            await attempt("write", channel, ownership)
            await attempt("delete", channel, ownership)
        await attempt("restore", channel, "deleted")
        created = await (
            client.post(api, json={TITLE[key]: f"{world.marker} created"}) if channel == "api"
            # _confirm: the API's record of the same name would ask "a likely duplicate?" first.
            else client.post(f"{entity.url}/", data={TITLE[key]: f"{world.marker} created", "_confirm": "1"})
        )
        assert created.status_code in (201, 303, 404), created.text[:300]
        out[("create", channel)] = created.status_code in (201, 303)
    assert untouched == []
    return out


@pytest.mark.parametrize("role", sorted(MATRIX))
async def test_permission_matrix(role, world_for):
    world = await world_for(role)
    mismatches = []
    async with serving(world.app, login=(world.actor.email, USER_PASSWORD)) as client:
        for key, expected in MATRIX[role].items():
            for channel, visible in (await observe_reads(world, client, key)).items():
                if visible != set(expected["read"]):
                    mismatches.append(f"{key} read via {channel}: saw {sorted(visible)}, expected {expected['read']}")
            changes = await observe_changes(world, client, key)
            for channel in ("api", "page"):
                for action in ("write", "delete", "restore"):
                    got = changes.get((action, channel), set())
                    if got != set(expected[action]):
                        mismatches.append(f"{key} {action} via {channel}: succeeded on {sorted(got)}, expected {expected[action]}")
                if changes[("create", channel)] != expected["create"]:
                    mismatches.append(f"{key} create via {channel}: {changes[('create', channel)]}, expected {expected['create']}")
    assert mismatches == []

"""S1: the permission matrix, against the reviewed expectation file ``permission_matrix.toml``.

Every stock role (and a user with no role) × every entity the corp edition
declares × every action with its scope × {own, teammate's, other
department's, deleted} × every channel that exists today. A mismatch
anywhere fails with the full list of mismatches.

One world is built once for the module, in one transaction: the users, and
for each role, entity, action and channel the records the attempt is made
on (a write that succeeds must not spoil the next attempt). Then one test
per role signs in once and walks it.
"""

from __future__ import annotations

import tomllib
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from core.auth.principals import principal_for_user
from core.auth.tables import User
from core.db.engine import write_transaction
from core.permissions.errors import NotFound
from core.permissions.gate import Gate
from core.permissions.roles import STOCK_KEYS
from core.testing.fixtures import ADMIN_EMAIL, USER_PASSWORD, serving

MATRIX = tomllib.loads((Path(__file__).parent / "permission_matrix.toml").read_text(encoding="utf-8"))
OWNERSHIPS = ("own", "teammate", "other_department", "deleted")
LIVE = OWNERSHIPS[:3]
ACTIONS = ("read", "create", "create_for", "write", "delete", "restore", "export", "import", "report", "assign")
# Search terms that are not substrings of each other, one per ownership.
TOKEN = {"own": "ownrec", "teammate": "materec", "other_department": "otherrec", "deleted": "delrec"}
HX = {"HX-Request": "true", "HX-Target": "entity-rows"}
# The entities' own text field the world's records are named in (titles, search, filters).
TITLE = {"contacts.client": "name", "contacts.contact": "full_name", "contacts.link": "position",
         "contacts.interaction": "subject", "contacts.task": "title", "contacts.event": "title",
         "sales.category": "name", "sales.product": "name", "sales.price_type": "name", "sales.price": "note",
         "sales.pipeline": "name", "sales.stage": "name", "sales.deal": "name", "sales.discount_rule": "name"}
# Records the world's records refer to, made once by the administrator, in this order
# (each entry's references point to earlier ones).
ANCHORS = {"contacts.client": {}, "contacts.contact": {}, "sales.pipeline": {}, "sales.stage": {"pipeline": "sales.pipeline"},
           "sales.product": {}, "sales.price_type": {}}
# Where an export leaves the list screens: the Outlook files (vCard, iCalendar ``all=1``).
SYNC = {"contacts.contact": "/contacts/sync/contacts.vcf", "contacts.interaction": "/contacts/sync/calendar.ics",
        "contacts.task": "/contacts/sync/calendar.ics", "contacts.event": "/contacts/sync/calendar.ics"}
# Per action, the channels it is tried on (every one must agree with the file).
CHANNELS = {
    "read": ("page", "partial", "api", "filter", "search", "count", "board", "job", "picker"),
    "create": ("api", "page"), "create_for": ("api",), "write": ("api", "page", "partial", "bulk"),
    "delete": ("api", "page", "bulk"), "restore": ("api", "page"), "export": ("file", "job", "sync"),
    "import": ("gate",), "report": ("completeness", "totals", "api"), "assign": ("api", "page", "bulk"),
}


def reach(scope: str) -> list[str]:
    """The ownerships a scope reaches for the matrix's actor: the teammate shares
    the team and the department, the other user neither."""
    return {"none": [], "own": ["own"], "team": ["own", "teammate"], "department": ["own", "teammate"],
            "all": list(LIVE)}[scope]


def expected_from_grants(grants: dict[str, str], key: str) -> dict:
    """What the file must say for one role and entity, from the stock grants (the gate's rules)."""
    def on(action):
        return reach(grants.get(f"{key}.{action}", "none"))

    def both(a, b):
        return [o for o in on(a) if o in on(b)]

    creatable = on("create")
    return {
        "read": on("read"), "create": bool(creatable),
        # Someone else as responsible: created as one's own and given away at once, so
        # any active user when the assign scope reaches one's own records.
        "create_for": (list(LIVE) if "own" in on("assign") else ["own"]) if "own" in creatable else [],
        "write": on("write"), "delete": on("delete"), "restore": ["deleted"] if "own" in on("restore") else [],
        "export": both("export", "read"), "import": both("write", "import"), "report": both("report", "read"),
        "assign": both("write", "assign"),
    }


def test_expectation_file_covers_every_role_entity_and_action(app_factory):
    kernel = app_factory().state.kernel
    assert set(MATRIX) == {*STOCK_KEYS, "no_role"}
    assert set(TITLE) == set(kernel.entities), "a new entity: add it to TITLE and to the expectation file"
    for role, entities in MATRIX.items():
        assert set(entities) == set(kernel.entities), role
        for key, row in entities.items():
            assert set(row) == set(ACTIONS), (role, key)
            for action in ACTIONS:
                if action not in ("create", "restore"):
                    assert "deleted" not in row[action], f"{role}/{key}: a trashed record is never {action}ed"


def test_expectation_file_matches_the_stock_role_defaults(app_factory):
    """The file changes together with the plugins' register_default_grants, or this fails."""
    from core.permissions.roles import default_grants

    defaults = default_grants(app_factory().state.kernel)
    wrong = []
    for role, entities in MATRIX.items():
        for key, row in entities.items():
            want = expected_from_grants(defaults.get(role, {}), key)
            wrong += [f"{role}/{key}.{a}: file {row[a]}, defaults give {want[a]}" for a in ACTIONS if row[a] != want[a]]
    assert wrong == []


# -- the world ------------------------------------------------------------------------------


class World:
    def __init__(self, kernel, admin, users: dict, actors: dict, marker: str):
        self.kernel, self.admin, self.users, self.actors, self.marker = kernel, admin, users, actors, marker
        self.shared: dict = {}  # (key, ownership) -> row, for the reads everybody shares
        self.rows: dict = {}  # (role, key, purpose, ownership) -> row

    def owner(self, role: str, ownership: str):
        return self.actors[role] if ownership in ("own", "deleted") else self.users[ownership]

    def title(self, ownership: str, purpose: str, role: str = "") -> str:
        """``<marker>-<purpose> <ownership token> <role>``: a prefix per purpose, a unique title per record."""
        return f"{self.marker}-{purpose} {TOKEN[ownership]} {role}".strip()

    async def make(self, key: str, ownership: str, purpose: str, role: str) -> dict:
        entity = self.kernel.entities[key]
        gate = Gate(self.kernel, entity, self.admin)
        row = await gate.create({**self.required(key, role), TITLE[key]: self.title(ownership, purpose, role),
                                 "owner_id": str(self.owner(role, ownership).id)})
        if ownership == "deleted":
            await gate.delete(row["id"])
            row = {**row, "version": row["version"] + 1}
        return row

    def required(self, key: str, role: str = "") -> dict:
        """Values a record of ``key`` needs besides its title (a link's two ends — the role's own
        client and contact, which it can read if it reads anything —, an event's date)."""
        soon = (datetime.now(timezone.utc) + timedelta(days=2)).replace(microsecond=0)
        extra = {"contacts.interaction": {"starts_at": soon.isoformat()}, "contacts.task": {"deadline": soon.isoformat()},
                 "contacts.event": {"date": soon.date().isoformat(), "yearly": False}}.get(key, {})
        if key == "contacts.link":
            ends = {k: self.rows[(role, k, "read", "own")]["id"] if role else self.anchor[k] for k in ("contacts.client", "contacts.contact")}
            extra = {"contact": str(ends["contacts.contact"]), "client": str(ends["contacts.client"])}
        elif key == "sales.stage":
            extra = {"pipeline": str(self.anchor["sales.pipeline"])}
        elif key == "sales.price":
            extra = {"product": str(self.anchor["sales.product"]), "price_type": str(self.anchor["sales.price_type"]),
                     "effective_from": soon.date().isoformat(), "price": "100.00"}
        elif key == "sales.discount_rule":
            # Out of date at once: the world's rules must not discount other tests' documents.
            extra = {"percent": "5", "valid_from": "2000-01-01", "valid_to": "2000-01-01"}
        elif key == "sales.deal":
            # The role's own client (which it reads if it reads anything) on the shared pipeline.
            client = self.rows[(role, "contacts.client", "read", "own")]["id"] if role else self.anchor["contacts.client"]
            extra = {"client": str(client), "pipeline": str(self.anchor["sales.pipeline"]), "stage": str(self.anchor["sales.stage"])}
        return extra

    async def stored(self, key: str, record_id) -> dict:
        """The row as stored (trash included), whatever the actor's rights."""
        from piccolo.querystring import QueryString

        from core.db.engine import get_engine

        table = self.kernel.entities[key].table._meta.tablename
        rows = await get_engine().run_querystring(QueryString(f'SELECT "version", "owner_id", "deleted_at" FROM "{table}" WHERE "id" = {{}}', record_id))
        return dict(rows[0]) if rows else {}


# An attempt that may change its record gets a record of its own: (action, channel, ownership).
MUTATIONS = [(a, c, o) for a in ("write", "delete", "assign") for c in CHANNELS[a] for o in LIVE]
MUTATIONS += [("restore", c, "deleted") for c in CHANNELS["restore"]]


@pytest.fixture(scope="module")
async def world(accounts):
    from core.app import create_app
    from core.testing.fixtures import make_settings, unique_email

    kernel = create_app(make_settings()).state.kernel
    suffix = uuid.uuid4().hex[:8]
    team, department = f"North-1-{suffix}", "Sales/North"

    from core.auth import org
    from core.auth.tables import Department
    from core.auth.users import create_user, set_teams

    async def department_id(path):
        parent = None
        for name in path.split("/"):
            query = Department.objects().where(Department.name == name)
            query = query.where(Department.parent.is_null() if parent is None else Department.parent == parent.id)
            parent = await query.first() or await org.create_department(name, parent.id if parent else None)
        return parent.id

    async def user(roles, team_name, dept):
        made, _ = await create_user(unique_email("mx"), password=USER_PASSWORD, roles=roles, department=await department_id(dept))
        await set_teams(made.id, [(await org.team_by_name(team_name, create=True)).id])
        return made

    from core.auth.passwords import cheap_hashing_for_tests

    with cheap_hashing_for_tests():  # sign-ins are not what this test measures
        users = {"teammate": await user(["sales_manager"], team, department),
                 "other_department": await user(["sales_manager"], f"Service-{suffix}", "Service")}
        actors = {role: await user([] if role == "no_role" else [role], team, department) for role in sorted(MATRIX)}
    admin = await User.objects().where(User.email == ADMIN_EMAIL).first()
    w = World(kernel, await principal_for_user(admin.id, via="system"), users, actors, f"mx{suffix}")
    async with write_transaction():  # one commit for the whole world
        w.anchor = {}
        for key, refs in ANCHORS.items():
            values = {field: str(w.anchor[target]) for field, target in refs.items()}
            anchor = await Gate(kernel, kernel.entities[key], w.admin).create({**values, TITLE[key]: f"anchor {suffix}"})
            w.anchor[key] = anchor["id"]
        for key in sorted(TITLE):
            for ownership in ("teammate", "other_department"):
                w.shared[(key, ownership)] = await w.make(key, ownership, "read", "")
            for role in MATRIX:
                for ownership in ("own", "deleted"):
                    w.rows[(role, key, "read", ownership)] = await w.make(key, ownership, "read", role)
                for action, channel, ownership in MUTATIONS:
                    w.rows[(role, key, f"{action}-{channel}", ownership)] = await w.make(key, ownership, f"{action}{channel}", role)
    return w


# -- observing ------------------------------------------------------------------------------------


def ids(payload) -> set[str]:
    items = payload["items"] if isinstance(payload, dict) else payload
    return {str(item["id"]) for item in items}


class Walk:
    """One role's walk: records what succeeded per (action, channel)."""

    def __init__(self, world: World, role: str, client, app):
        self.w, self.role, self.client, self.app = world, role, client, app
        self.seen: dict[tuple[str, str], set] = {}
        self.untouched: list[str] = []

    def hit(self, action, channel, ownership):
        self.seen.setdefault((action, channel), set()).add(ownership)

    def read_rows(self, key) -> dict[str, dict]:
        return {o: (self.w.rows[(self.role, key, "read", o)] if o in ("own", "deleted") else self.w.shared[(key, o)])
                for o in OWNERSHIPS}

    async def reads(self, key: str) -> None:
        w, c = self.w, self.client
        entity = w.kernel.entities[key]
        plugin, name = key.split(".")
        api = f"/api/{plugin}/{name}"
        rows = self.read_rows(key)
        mine = {o: self.read_title(o) for o in OWNERSHIPS}
        for channel in CHANNELS["read"]:
            self.seen.setdefault(("read", channel), set())
        flt = {f"{TITLE[key]}__startswith": f"{w.marker}-read "}
        listing = await c.get(api, params={**flt, "limit": 500})
        partial = await c.get(f"{entity.url}/", params={**flt, "limit": 500}, headers=HX)
        # The board (its cards and column totals) takes a search, not filters.
        has_board = entity.search_fields and any(f.type == "choice" for f in entity.fields)
        # A board partitioned by a record (deals: one board per pipeline) shows the world's.
        partition = {"pipeline": str(w.anchor["sales.pipeline"])} if key == "sales.deal" else {}
        board = await c.get(f"{entity.url}/board", params={"q": f"{w.marker}-read", **partition}) if has_board else None
        job_gate = Gate(w.kernel, entity, await principal_for_user(w.actors[self.role].id))
        for ownership, row in rows.items():
            rid = str(row["id"])
            if (await c.get(f"{entity.url}/{rid}")).status_code == 200:
                self.hit("read", "page", ownership)
            if (await c.get(f"{api}/{rid}")).status_code == 200:
                self.hit("read", "api", ownership)
            if partial.status_code == 200 and rid in partial.text:
                self.hit("read", "partial", ownership)
            if listing.status_code == 200 and rid in ids(listing.json()):
                self.hit("read", "filter", ownership)
            if board is None:
                if ownership in self.expected(key, "read"):
                    self.hit("read", "board", ownership)  # no board to search (no choice or no search field)
            elif board.status_code == 200 and rid in board.text:
                self.hit("read", "board", ownership)
            if entity.search_fields:
                found = await c.get(api, params={"q": mine[ownership]})
                if found.status_code == 200 and rid in ids(found.json()):
                    self.hit("read", "search", ownership)
            elif ownership in self.expected(key, "read"):
                self.hit("read", "search", ownership)  # no search fields: the channel does not exist
            counted = await c.get(f"{api}/count", params={TITLE[key]: mine[ownership]})
            if counted.status_code == 200 and counted.json()["count"] == 1:
                self.hit("read", "count", ownership)
            try:
                await job_gate.get(row["id"])
                self.hit("read", "job", ownership)
            except NotFound:
                pass
            picked = await c.get(f"/pick/{plugin}/{name}", params={"q": mine[ownership]}, headers={"Accept": "application/json"})
            if picked.status_code == 200 and rid in ids(picked.json()):
                self.hit("read", "picker", ownership)

    def read_title(self, ownership: str) -> str:
        return self.w.title(ownership, "read", self.role if ownership in ("own", "deleted") else "")

    def expected(self, key, action):
        return MATRIX[self.role][key][action]

    async def exports(self, key: str) -> None:
        from core.dataio.jobs import export_job, export_path
        from core.jobs import store
        from core.jobs.api import registry_of
        from core.jobs.context import JobContext, PermanentJobError

        w, c = self.w, self.client
        plugin, name = key.split(".")
        rows = self.read_rows(key)
        for channel in CHANNELS["export"]:
            self.seen.setdefault(("export", channel), set())
        query = f"/export/{plugin}/{name}?{TITLE[key]}__startswith={w.marker}-read"
        inline = await c.post(query, data={"format": "csv"})
        # The export job's own code, as a worker runs it (claimed, the principal rebuilt from the
        # database), without a queue: no other suite's worker ever sees it.
        payload = {"entity": key, "query": [(f"{TITLE[key]}__startswith", f"{w.marker}-read")], "columns": [], "format": "csv"}
        job_id = await store.insert(registry_of(w.kernel).kind("core.export"), payload, user_id=w.actors[self.role].id)
        job_file = ""
        try:
            assert await store.claim(job_id, store.worker_name())
            ctx = JobContext(w.kernel, job_id, "core.export", await principal_for_user(w.actors[self.role].id), 1)
            await export_job(ctx, **payload)
            path = export_path(w.kernel, job_id, "csv")
            job_file = path.read_text(encoding="utf-8-sig")
            path.unlink()
        except PermanentJobError:
            pass  # no export permission: the job refuses
        finally:
            await store.delete(job_id)
        sync = None
        if key in SYNC:
            window = {"from": (datetime.now(timezone.utc) - timedelta(days=1)).date().isoformat(),
                      "to": (datetime.now(timezone.utc) + timedelta(days=10)).date().isoformat(), "all": "1"}
            sync = await c.get(SYNC[key], params=window if SYNC[key].endswith(".ics") else {})
        for ownership, row in rows.items():
            title = self.read_title(ownership)
            if inline.status_code == 200 and title in inline.text:
                self.hit("export", "file", ownership)
            if title in job_file:
                self.hit("export", "job", ownership)
            if sync is None:
                if ownership in self.expected(key, "export"):
                    self.hit("export", "sync", ownership)  # no Outlook file for this entity: the channel does not exist
            elif sync.status_code == 200 and str(row["id"]) in sync.text:
                self.hit("export", "sync", ownership)

    async def reports(self, key: str) -> None:
        w, c = self.w, self.client
        entity = w.kernel.entities[key]
        rows = self.read_rows(key)
        for channel in CHANNELS["report"]:
            self.seen.setdefault(("report", channel), set())
        principal = await principal_for_user(w.actors[self.role].id)
        gate = Gate(w.kernel, entity, principal)
        group = next(f.name for f in entity.fields if f.type in ("choice", "boolean", "date", "text"))
        plugin, name = key.split(".")
        for ownership, row in rows.items():
            title = self.read_title(ownership)
            try:
                groups = await gate.groups(group, filters=[_eq(TITLE[key], title)], action="report")
                if sum(g.count for g in groups):
                    self.hit("report", "totals", ownership)
            except NotFound:
                pass
            # The group-by API (GET .../groups): the same totals over HTTP, in the report scope.
            grouped = await c.get(f"/api/{plugin}/{name}/groups", params={"by": group, TITLE[key]: title})
            assert grouped.status_code in (200, 404), f"{key} groups: {grouped.status_code} {grouped.text[:300]}"
            if grouped.status_code == 200 and sum(g["count"] for g in grouped.json()["groups"]):
                self.hit("report", "api", ownership)
            if key == "contacts.client":
                page = await c.get("/contacts/quality/", params={"owner": str(w.owner(self.role, ownership).id), "field": "inn"})
                if page.status_code == 200 and title in page.text:
                    self.hit("report", "completeness", ownership)
            elif ownership in self.expected(key, "report"):
                self.hit("report", "completeness", ownership)  # the completeness report is the clients' alone

    async def imports(self, key: str) -> None:
        """What an import may update: the import engine's own clause (core.dataio.merge)."""
        from core.db.engine import get_engine
        from piccolo.querystring import QueryString

        w = self.w
        entity = w.kernel.entities[key]
        self.seen.setdefault(("import", "gate"), set())
        gate = Gate(w.kernel, entity, await principal_for_user(w.actors[self.role].id))
        for ownership, row in self.read_rows(key).items():
            where = gate.scope_where(("write", "import"), extra=[QueryString('"id" = {}', row["id"])])
            if where is not None and await get_engine().run_querystring(
                    QueryString(f'SELECT 1 AS x FROM "{entity.table._meta.tablename}" WHERE {{}}', where)):
                self.hit("import", "gate", ownership)

    async def changes(self, key: str) -> None:
        w, c = self.w, self.client
        entity = w.kernel.entities[key]
        plugin, name = key.split(".")
        api = f"/api/{plugin}/{name}"
        for action in ("create", "create_for", "write", "delete", "restore", "assign"):
            for channel in CHANNELS[action]:
                self.seen.setdefault((action, channel), set())
        for action, channel, ownership in MUTATIONS:
            row = w.rows[(self.role, key, f"{action}-{channel}", ownership)]
            rid = str(row["id"])
            version = str(row["version"])
            # A refusal is 404 (as for a missing record), 400/422 for a refused field (the form
            # again); the bulk form reports each record it left alone on a page of its own (200).
            refused = (200, 404) if channel == "bulk" else (400, 404, 422)
            if action == "write":
                new_title = f"{w.marker}-changed"
                if channel == "api":
                    r = await c.patch(f"{api}/{rid}", json={TITLE[key]: new_title}, headers={"If-Match": f'"{version}"'})
                elif channel == "page":
                    r = await c.post(f"{entity.url}/{rid}", data={TITLE[key]: new_title, "_version": version})
                elif channel == "partial":  # inline edit of one field on the record page
                    r = await c.post(f"{entity.url}/{rid}/fields/{TITLE[key]}", data={TITLE[key]: new_title, "_version": version})
                else:
                    r = await c.post(f"{entity.url}/bulk", data={"action": "set", "ids": rid, "field": TITLE[key], "value": new_title})
                ok = r.status_code in ((303,) if channel == "bulk" else (200, 303))
            elif action == "delete":
                if channel == "api":
                    r = await c.delete(f"{api}/{rid}")
                elif channel == "page":
                    r = await c.post(f"{entity.url}/{rid}/delete")
                else:
                    r = await c.post(f"{entity.url}/bulk", data={"action": "delete", "ids": rid, "_confirm": "1"})
                ok = r.status_code in ((303,) if channel == "bulk" else (204, 303))
            elif action == "restore":
                r = await (c.post(f"{api}/{rid}/restore") if channel == "api" else c.post(f"{entity.url}/{rid}/restore"))
                ok = r.status_code in (200, 303)
            else:  # assign: give the record to a user of another department (that user's own record to
                # the actor: giving a record to its owner changes nothing, so it would prove nothing)
                other = str((w.actors[self.role] if ownership == "other_department" else w.users["other_department"]).id)
                if channel == "api":
                    r = await c.patch(f"{api}/{rid}", json={"owner_id": other}, headers={"If-Match": f'"{version}"'})
                elif channel == "page":  # the edit form's responsible field
                    r = await c.post(f"{entity.url}/{rid}", data={"owner_id": other, "_version": version})
                else:
                    r = await c.post(f"{entity.url}/bulk", data={"action": "assign", "ids": rid, "user": other})
                ok = r.status_code in ((303,) if channel == "bulk" else (200, 303))
            assert ok or r.status_code in refused, f"{key} {action} via {channel} on {ownership}: {r.status_code} {r.text[:300]}"
            if ok and action == "assign" and str((await w.stored(key, row["id"]))["owner_id"]) != other:
                self.untouched.append(f"{key} assign via {channel} on {ownership} answered {r.status_code} but the owner stayed")
            if ok:
                self.hit(action, channel, ownership)
            elif (await w.stored(key, row["id"]))["version"] != row["version"]:
                self.untouched.append(f"{key} {action} via {channel} on {ownership} was refused but changed the row")
        extra = {k: str(v) for k, v in w.required(key, self.role).items()}
        for channel in ("api", "page"):
            title = f"{w.marker}-created {self.role} via {channel}"
            created = await (c.post(api, json={**extra, TITLE[key]: title}) if channel == "api"
                             # _confirm: a likely duplicate would ask "save anyway?" first.
                             else c.post(f"{entity.url}/", data={**extra, TITLE[key]: title, "_confirm": "1"}))
            assert created.status_code in (201, 303, 404), f"{key} create via {channel}: {created.status_code} {created.text[:300]}"
            if created.status_code in (201, 303):
                self.hit("create", channel, "own")
        for ownership in LIVE:
            title = f"{w.marker}-created {self.role} for {ownership}"
            created = await c.post(api, json={**extra, TITLE[key]: title, "owner_id": str(w.owner(self.role, ownership).id)})
            assert created.status_code in (201, 400, 404), f"{key} create for {ownership}: {created.status_code} {created.text[:300]}"
            if created.status_code == 201:
                self.hit("create_for", "api", ownership)
            elif await _count_titled(w.kernel, key, title):
                self.untouched.append(f"{key} create for {ownership} was refused but the record exists")


def _eq(field, value):
    from core.entities.sql import Filter

    return Filter(field, "eq", value)


async def _count_titled(kernel, key, title) -> int:
    from core.db.engine import get_engine
    from piccolo.querystring import QueryString

    table = kernel.entities[key].table._meta.tablename
    rows = await get_engine().run_querystring(QueryString(f'SELECT count(*) AS n FROM "{table}" WHERE "{TITLE[key]}" = {{}}', title))
    return int(rows[0]["n"])


@pytest.mark.parametrize("role", sorted(MATRIX))
async def test_permission_matrix(role, world, app_factory):
    app = app_factory(jobs_in_process=False)
    mismatches = []
    async with serving(app, login=(world.actors[role].email, USER_PASSWORD)) as client:
        walk = Walk(world, role, client, app)
        for key in sorted(TITLE):
            await walk.reads(key)
            await walk.exports(key)
            await walk.reports(key)
            await walk.imports(key)
            await walk.changes(key)
            for (action, channel), got in sorted(walk.seen.items()):
                want = MATRIX[role][key][action]
                want = {"own"} if action == "create" and want else set() if action == "create" else set(want)
                if got != want:
                    mismatches.append(f"{key} {action} via {channel}: {sorted(got)}, expected {sorted(want)}")
            walk.seen.clear()
    assert walk.untouched == [], "\n".join(walk.untouched)
    assert mismatches == [], "\n".join(mismatches)

"""The principal stamp: one number that moves whenever some principal could change.

The auth middleware keeps the principals of sessions and API tokens in
process memory (:mod:`core.auth.principal_cache`). Every authenticated
request first reads the stamp — one row of ``core_principal_stamp``, by its
primary key — and uses a cached principal only if it was built under that
very stamp; otherwise it rebuilds it from the database. So a role or grant
change, a deactivation or a revocation made through any worker or process
takes effect on the next request everywhere.

Custom field definitions and users' names are kept the same way, behind
the same number (:mod:`core.auth.stamped_cache`): the request's principal
carries the stamp it was checked under, so they cost no second read. A
definition change also drops the kept principals — a rebuild each, for a
change made rarely.

The stamp is moved by **triggers in the database**, not by the code that
writes, so no write path can forget it: the admin screens, the CLI, an
import, a plugin's raw SQL, a foreign-key cascade, a test's direct insert.
A trigger runs inside the writer's transaction, so the change and the new
stamp commit together; a reader never sees the new stamp with old rows.

What moves it: every insert, update and delete of the rows a principal is
built from (``WATCHED``), except updates that set only the columns named in
``QUIET`` and inserts into the tables in ``QUIET_INSERTS`` — each with the
reason it changes no principal. A column added to a watched table later is
watched unless it is named here: forgetting costs a cache refill, never a
stale principal.

:func:`ensure_stamp` installs the table, its row and the triggers; it runs
after every migration (``klientela init``, ``db migrate``, ``demo``) and is
idempotent. The trigger names carry a hash of their definition, so a
changed definition replaces the old triggers.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import sqlite3
import threading
from dataclasses import dataclass

from piccolo.table import Table

from core.db.engine import KlientelaConnection, engine_kind, get_engine

TABLE = "core_principal_stamp"
TRIGGER_PREFIX = "core_principal_stamp_"
BUMP = f"UPDATE {TABLE} SET n = n + 1 WHERE id = 1"
READ = f"SELECT n FROM {TABLE} WHERE id = 1"


def watched_tables() -> list[type[Table]]:
    """The tables a principal is built from (see :mod:`core.auth.principals`), and the
    custom field definitions (kept per worker too, :mod:`core.auth.stamped_cache`)."""
    from core.auth.tables import ApiToken, Department, Session, TeamMember, User
    from core.custom_fields.tables import CustomField
    from core.permissions.tables import RoleFieldRule, RoleGrant, UserRole

    # Roles and teams themselves are not read into a principal (a role's label,
    # a team's name); deleting one cascades to the watched rows that are.
    return [User, UserRole, RoleGrant, RoleFieldRule, TeamMember, Department, Session, ApiToken, CustomField]


# table -> column -> why an update of only this column changes no principal.
QUIET: dict[str, dict[str, str]] = {
    "core_user": {
        "last_login_at": "written at every sign-in",
        "home_layout": "the user's home page arrangement",
        "is_admin": "authorization never reads it (roles decide)",
        "created_at": "informational",
    },
    "core_session": {
        "last_seen_at": "the once-a-minute activity touch (see BACKWARDS); a cached session that looks idle is re-read",
        "ip": "informational",
        "user_agent": "informational",
        "created_at": "informational",
    },
    "core_api_token": {
        "last_used_at": "the once-a-minute use touch (see BACKWARDS)",
        "name": "a label for people",
        "created_at": "fixed at creation",
    },
    "core_department": {
        "name": "a label for people",
        "created_at": "informational",
    },
}

# Touch times move forward only, so a kept row's copy is never later than the
# stored one and a worker may judge idleness and the next touch from its copy.
# Whoever sets one back (a support script, a test simulating elapsed time)
# moves the stamp, so every worker reads the row again.
BACKWARDS = {"core_session": "last_seen_at", "core_api_token": "last_used_at"}

# Tables whose new rows are in no cache yet: a new session or token is looked
# up on its first request; a new department has no members until a user's
# ``department`` is set (an update of core_user, which is watched).
QUIET_INSERTS = frozenset({"core_session", "core_api_token", "core_department"})


def _columns(table: type[Table]) -> list[str]:
    return [c._meta.db_column_name for c in table._meta.columns]


@dataclass(frozen=True)
class Trigger:
    table: str
    event: str  # INSERT, UPDATE or DELETE
    columns: tuple[str, ...] = ()  # UPDATE OF these
    when: str = ""  # a condition on OLD and NEW, the same SQL on both engines

    @property
    def name(self) -> str:
        """Carries a hash of the definition: a changed definition gets a new name, so it replaces the old."""
        digest = hashlib.sha256(f"{self.table}|{self.event}|{','.join(self.columns)}|{self.when}|{BUMP}".encode()).hexdigest()[:8]
        return f"{TRIGGER_PREFIX}{self.table}_{self.event.lower()}_{digest}"

    def timing(self) -> str:
        of = " OF " + ", ".join(f'"{c}"' for c in self.columns) if self.columns else ""
        return f'AFTER {self.event}{of} ON "{self.table}" FOR EACH ROW'


def trigger_plan() -> list[Trigger]:
    plan = []
    for table in watched_tables():
        name = table._meta.tablename
        quiet = QUIET.get(name, {})
        plan.append(Trigger(name, "DELETE"))
        if name not in QUIET_INSERTS:
            plan.append(Trigger(name, "INSERT"))
        plan.append(Trigger(name, "UPDATE", tuple(c for c in _columns(table) if c not in quiet)))
        if name in BACKWARDS:
            c = BACKWARDS[name]
            plan.append(Trigger(name, "UPDATE", (c,), f"NEW.{c} < OLD.{c} OR (NEW.{c} IS NULL AND OLD.{c} IS NOT NULL)"))
    return plan


def _sqlite_ddl(trigger: Trigger) -> str:
    when = f" WHEN {trigger.when}" if trigger.when else ""
    return f'CREATE TRIGGER "{trigger.name}" {trigger.timing()}{when} BEGIN {BUMP}; END'


PG_FUNCTION = f"""CREATE OR REPLACE FUNCTION {TRIGGER_PREFIX}bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {BUMP}; RETURN NULL; END $$"""


def _pg_ddl(trigger: Trigger) -> str:
    # Row triggers, as on SQLite: a statement that touches no row (the sign-in's
    # "delete my dead sessions", usually none) moves nothing.
    when = f" WHEN ({trigger.when})" if trigger.when else ""
    return f'CREATE TRIGGER "{trigger.name}" {trigger.timing()}{when} EXECUTE FUNCTION {TRIGGER_PREFIX}bump()'


async def _rows(engine, sql: str) -> list[dict]:
    from piccolo.querystring import QueryString

    return [dict(r) for r in await engine.run_querystring(QueryString(sql)) or []]


async def drop_stamp_triggers(engine=None) -> None:
    """Take the stamp's triggers off before migrations run (``migrate_instance`` puts them back).

    On PostgreSQL a trigger ``UPDATE OF`` columns depends on them: a migration
    that drops or retypes a watched column would be refused while it stands."""
    engine = engine or get_engine()
    postgres = engine_kind(engine) == "postgres"
    found = await _rows(
        engine,
        f"SELECT t.tgname AS name, c.relname AS tbl FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        f"WHERE NOT t.tgisinternal AND t.tgname LIKE '{TRIGGER_PREFIX}%'" if postgres else
        f"SELECT name, tbl_name AS tbl FROM sqlite_master WHERE type = 'trigger' AND name LIKE '{TRIGGER_PREFIX}%'",
    )
    for r in found:
        await engine.run_ddl(f'DROP TRIGGER IF EXISTS "{r["name"]}" ON "{r["tbl"]}"' if postgres
                             else f'DROP TRIGGER IF EXISTS "{r["name"]}"')


async def ensure_stamp(engine=None) -> list[str]:
    """Create the stamp's table and row and (re)install its triggers; returns what changed (nothing: up to date)."""
    engine = engine or get_engine()
    postgres = engine_kind(engine) == "postgres"
    plan = trigger_plan()
    if postgres:
        existing = {
            r["name"]: r["tbl"]
            for r in await _rows(
                engine,
                f"SELECT t.tgname AS name, c.relname AS tbl FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                f"WHERE NOT t.tgisinternal AND t.tgname LIKE '{TRIGGER_PREFIX}%'",
            )
        }
    else:
        existing = {
            r["name"]: r["tbl"]
            for r in await _rows(engine, f"SELECT name, tbl_name AS tbl FROM sqlite_master WHERE type = 'trigger' AND name LIKE '{TRIGGER_PREFIX}%'")
        }
    wanted = {t.name for t in plan}
    table_there = bool(
        await _rows(
            engine,
            f"SELECT 1 AS x FROM pg_tables WHERE schemaname = current_schema() AND tablename = '{TABLE}'"
            if postgres
            else f"SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = '{TABLE}'",
        )
    )
    if table_there and set(existing) == wanted:
        return []
    changed = []
    async with engine.transaction():
        if not table_there:
            await engine.run_ddl(f"CREATE TABLE IF NOT EXISTS {TABLE} (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)")
            await engine.run_ddl(f"INSERT INTO {TABLE} (id, n) VALUES (1, 0) ON CONFLICT (id) DO NOTHING")
            changed.append(f"table {TABLE}")
        if postgres:
            await engine.run_ddl(PG_FUNCTION)
        for name, table in existing.items():
            if name not in wanted:
                await engine.run_ddl(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"' if postgres else f'DROP TRIGGER IF EXISTS "{name}"')
        created = [t for t in plan if t.name not in existing]
        for trigger in created:
            await engine.run_ddl((_pg_ddl if postgres else _sqlite_ddl)(trigger))
        if created:
            changed.append(f"{len(created)} trigger(s) on {', '.join(dict.fromkeys(t.table for t in created))}")
        # Whatever changed meanwhile, no principal cached before now survives.
        await engine.run_ddl(BUMP)
    return changed


# -- reading it ----------------------------------------------------------------------


class _SqliteReader:
    """A read-only connection of this process to the database file, used on the
    event loop's thread: reading one row of a tiny table from SQLite's page
    cache takes a few microseconds, where a query through the pooled
    aiosqlite connections hops to a thread and back (~100 µs or more). In WAL
    mode a reader never waits for a writer, so the loop is not blocked."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._connections: dict[tuple[int, str], sqlite3.Connection] = {}

    def read(self, path: str) -> int:
        key = (os.getpid(), path)  # a forked worker opens its own
        with self._lock:
            connection = self._connections.get(key)
            if connection is None:
                # The app's connection class (its casefold() serves expression indexes), though this one only reads the stamp.
                connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=5, factory=KlientelaConnection)
                connection.execute("PRAGMA query_only = 1")
                self._connections[key] = connection
            return connection.execute(READ).fetchone()[0]


_sqlite = _SqliteReader()


class _PostgresReader:
    """One connection of this process (per event loop) kept for the stamp, with
    the read prepared once: one round trip per request. A query through the
    pool costs two (asyncpg resets a connection when it goes back) plus
    Piccolo's own work. Reads take turns on the connection; the lock is held
    for one round trip, far shorter than a request."""

    def __init__(self) -> None:
        self._by_loop: dict[asyncio.AbstractEventLoop, tuple] = {}

    async def read(self, dsn: str) -> int:
        loop = asyncio.get_running_loop()
        held = self._by_loop.get(loop)
        if held is None:
            for other in [o for o in self._by_loop if o.is_closed()]:
                del self._by_loop[other]
            held = self._by_loop[loop] = (asyncio.Lock(), {})
        lock, state = held
        async with lock:
            connection = state.get("connection")
            if connection is None or connection.is_closed() or state.get("pid") != os.getpid():
                import asyncpg

                connection = await asyncpg.connect(dsn)
                state.update(connection=connection, pid=os.getpid(), statement=await connection.prepare(READ))
            try:
                return await state["statement"].fetchval()
            except Exception:
                state.clear()  # reconnect on the next read; this request fails like any query would
                await _close_quietly(connection)
                raise

    async def close(self) -> None:
        loop = asyncio.get_running_loop()
        held = self._by_loop.pop(loop, None)
        if held is not None and held[1].get("connection") is not None:
            await _close_quietly(held[1]["connection"])


async def _close_quietly(connection) -> None:
    try:
        await connection.close(timeout=5)
    except Exception:
        connection.terminate()


_postgres = _PostgresReader()


async def current(engine=None) -> int:
    """The stamp as committed now (one primary-key read)."""
    engine = engine or get_engine()
    if engine_kind(engine) == "sqlite":
        return _sqlite.read(engine.path)
    return await _postgres.read(engine.config["dsn"])


async def close_reader() -> None:
    """Close this loop's PostgreSQL connection for the stamp (the app's shutdown)."""
    await _postgres.close()

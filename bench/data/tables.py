"""The contacts plugin's activity tables, as the generator writes them: interactions and assignments.

Reached the way the generator reaches clients: through the kernel's entity
registry (``kernel.entities[key].table``), the plugin's public tables, never
its modules. A table is written only when the entity is declared, its table
exists in the database, and it has every column the generator fills (a
plugin that renamed one would otherwise get rows without it); columns the
generator does not know keep the database's default.

Rows are tuples in the order of the target's columns, with the values the
query gate would store: ``search_text`` from the gate's own function for
that entity, ``custom`` an empty JSON object, users as ids. On SQLite ids
and timestamps are the text Piccolo stores (``str(UUID)``, ``str(datetime)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

INTERACTION = "contacts.interaction"
TASK = "contacts.task"
SYSTEM = ("id", "created_at", "updated_at", "created_by", "updated_by", "version", "deleted_at", "owner_id", "search_text", "custom")
COLUMNS = {
    INTERACTION: SYSTEM + ("subject", "kind", "status", "client", "starts_at", "duration_minutes", "participants", "result",
                           "follow_up", "remind_minutes", "previous"),
    TASK: SYSTEM + ("title", "description", "client", "deadline", "remind_minutes", "status", "result"),
}
PEOPLE = ("created_by", "updated_by", "owner_id")  # user indices in the activity stream (bench.data.activities)
# Columns holding UUIDs or datetimes: turned into Piccolo's text forms on SQLite (users are ids already).
AS_TEXT = frozenset(("id", "created_at", "updated_at", "deleted_at", "client", "starts_at", "previous", "deadline"))


@dataclass
class Target:
    key: str
    table: str
    columns: tuple[str, ...]
    search_text: Callable[[dict], str]

    def rows(self, records: list[dict], people: list, as_text: bool) -> list[tuple]:
        """``records`` (from the activity stream) as rows; ``people`` maps user indices to ids (text on SQLite)."""
        columns, search_text = self.columns, self.search_text
        # Positions known once per call rather than a type test per value: ~2× faster at millions of rows.
        text = [i for i, c in enumerate(columns) if c in AS_TEXT] if as_text else []
        out = []
        for record in records:
            row = dict(record, search_text=search_text(record), custom="{}", deleted_at=None)
            for name in PEOPLE:
                row[name] = people[row[name]]
            values = [row[c] for c in columns]
            for i in text:
                if values[i] is not None:
                    values[i] = str(values[i])
            out.append(tuple(values))
        return out


async def table_exists(table: str) -> bool:
    from piccolo.querystring import QueryString

    from core.db.engine import engine_kind, get_engine

    engine = get_engine()
    if engine_kind(engine) == "postgres":
        sql = "SELECT to_regclass({}) IS NOT NULL AS here"
    else:
        sql = "SELECT count(*) > 0 AS here FROM sqlite_master WHERE type = 'table' AND name = {}"
    return bool((await engine.run_querystring(QueryString(sql, table)))[0]["here"])


async def target(kernel, key: str, search_text: Callable[[dict], str]) -> Target | str:
    """The table to write ``key``'s rows to, or why there is none."""
    entity = kernel.entities.get(key)
    if entity is None:
        return f"no entity {key} (the contacts plugin is not enabled, or too old)"
    table = entity.table._meta.tablename
    have = {c._meta.db_column_name for c in entity.table._meta.columns}
    if missing := [c for c in COLUMNS[key] if c not in have]:
        return f"table {table} lacks column(s) {', '.join(missing)} the generator fills"
    if not await table_exists(table):
        return f"table {table} is not in this database (migrations not run?)"
    return Target(key, table, COLUMNS[key], search_text)

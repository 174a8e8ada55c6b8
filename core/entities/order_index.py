"""Indexes for the orders lists are read in: an entity's default order and its indexed fields.

The gate pages by keyset: ``ORDER BY <column>, "id" LIMIT n`` over live rows.
Without an index in that order every page sorts all matching rows — at 1M
clients the list sorted by name cost ~250 ms on SQLite, most of it the sort.
With ``(<column>, "id") WHERE "deleted_at" IS NULL`` the engine walks the
index in order and stops after ``n`` matches.

Made by ``migrate_instance`` (like the search index) for every declared
entity: one index for the first key of ``Entity.order`` and one for each
native field declared ``indexed=True``. Custom fields have their own
expression indexes (:mod:`core.custom_fields.indexes`). The indexes are
ordinary ones on the entity's table, so they go with it when a plugin is
purged. PostgreSQL builds them ``CONCURRENTLY`` (outside a transaction), so
adding one to a big table never blocks writers.
"""

from __future__ import annotations

from piccolo.querystring import QueryString

from core.db.engine import engine_kind, get_engine
from core.entities.spec import Entity

PG_MAX_IDENTIFIER = 63


def ordered_columns(entity: Entity) -> list[str]:
    """The native columns lists of this entity are ordered by often enough to index."""
    columns: list[str] = []
    if entity.order:
        first = entity.order[0].lstrip("-")
        if first != "id" and not any(f.name == first and f.custom for f in entity.fields):
            columns.append(first)
    columns += [f.name for f in entity.fields if f.indexed and not f.custom and f.name not in columns and f.name != "id"]
    return columns


def index_name(table: str, column: str) -> str:
    return f"{table}_by_{column}"[:PG_MAX_IDENTIFIER]


async def index_exists(engine, name: str) -> bool:
    """Whether the index ``name`` exists (an INVALID one left by a failed concurrent build is dropped: no)."""
    if engine_kind(engine) == "sqlite":
        sql = "SELECT 1 AS x FROM sqlite_master WHERE type = 'index' AND name = {}"
        return bool(await engine.run_querystring(QueryString(sql, name)))
    rows = await engine.run_querystring(QueryString(
        "SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE c.relname = {} AND c.relnamespace = current_schema()::regnamespace", name))
    if rows and not rows[0]["valid"]:
        # A concurrent build that failed leaves an INVALID index: drop it and build again.
        await engine.run_ddl(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')
        return False
    return bool(rows)


async def ensure_indexes(kernel, wanted, engine=None) -> list[str]:
    """Create the missing indexes of every declared entity; returns the names made now.

    ``wanted(entity, table, kind)`` gives the (name, CREATE INDEX statement) pairs an
    entity should have on engine ``kind`` (order indexes here, prefix indexes in
    :mod:`core.entities.prefix_index`)."""
    engine = engine or get_engine()
    kind = engine_kind(engine)
    made = []
    for entity in kernel.entities.values():
        for name, ddl in wanted(entity, entity.table._meta.tablename, kind):
            if await index_exists(engine, name):
                continue
            await engine.run_ddl(ddl)
            made.append(name)
    return made


def order_indexes(entity: Entity, table: str, kind: str) -> list[tuple[str, str]]:
    concurrently = " CONCURRENTLY" if kind == "postgres" else ""
    return [(index_name(table, column),
             f'CREATE INDEX{concurrently} IF NOT EXISTS "{index_name(table, column)}" ON "{table}" ("{column}", "id") '
             'WHERE "deleted_at" IS NULL')
            for column in ordered_columns(entity)]


async def ensure_order_indexes(kernel, engine=None) -> list[str]:
    """Create the missing order indexes of every declared entity; returns the names made now."""
    return await ensure_indexes(kernel, order_indexes, engine)

"""Indexes for "starts with" filters (``name__startswith=Ив``) on both engines.

The gate compares text case-insensitively on the *folded* value —
``casefold(x)`` on SQLite (Python's ``str.casefold``, registered on every
connection by ``core.db.engine``: SQLite's own ``lower()`` and ``COLLATE
NOCASE`` fold ASCII only and would miss "ив" in "Иванов"), ``lower(x)`` on
PostgreSQL — and asks a prefix as a key range on it
(``core.entities.sql.compile_filter``), which a B-tree on the same
expression answers:

* **SQLite**: ``CREATE INDEX … ON t (casefold("name"))``. An expression index
  needs its function on every connection that writes the table: Klientela's
  connections have it; a bare ``sqlite3`` shell updating an entity table
  must load it first (``docs/administration.md``).
* **PostgreSQL**: ``CREATE INDEX … ON t (lower("name") text_pattern_ops)``,
  which serves the byte-wise range operators ``~>=~`` / ``~<~`` whatever the
  database's collation. Not partial: PostgreSQL keeps statistics for the
  expression of a non-partial index only, and without them it misjudges how
  many rows a prefix matches.

Which fields: the entity's title field when it is a native text field (every
list filters its titles by prefix), and every native text, e-mail, phone or
URL field declared ``prefix_filter=True``. Made by ``migrate_instance`` like
the order and search indexes — for the plugins shipped today and for any
plugin's entities, with no migration to write; ``CONCURRENTLY`` on
PostgreSQL, so a big table keeps taking writes while it is built.
"""

from __future__ import annotations

from core.db.engine import fold_sql
from core.entities.order_index import PG_MAX_IDENTIFIER, ensure_indexes
from core.entities.spec import Entity

PREFIX_TYPES = ("text", "email", "phone", "url")


def prefix_columns(entity: Entity) -> list[str]:
    """The native columns of ``entity`` whose prefix filters get an index."""
    out = [f.name for f in entity.fields
           if not f.custom and f.type in PREFIX_TYPES and (f.prefix_filter or f.name == entity.title_field)]
    return list(dict.fromkeys(out))


def prefix_index_name(table: str, column: str) -> str:
    return f"{table}_prefix_{column}"[:PG_MAX_IDENTIFIER]


def create_sql(table: str, column: str, kind: str) -> str:
    folded = fold_sql(f'"{column}"', kind)
    if kind == "postgres":
        return (f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{prefix_index_name(table, column)}" '
                f'ON "{table}" ({folded} text_pattern_ops)')
    return f'CREATE INDEX IF NOT EXISTS "{prefix_index_name(table, column)}" ON "{table}" ({folded})'


def prefix_indexes(entity: Entity, table: str, kind: str) -> list[tuple[str, str]]:
    return [(prefix_index_name(table, column), create_sql(table, column, kind)) for column in prefix_columns(entity)]


async def ensure_prefix_indexes(kernel, engine=None) -> list[str]:
    """Create the missing prefix indexes of every declared entity; returns the names made now."""
    return await ensure_indexes(kernel, prefix_indexes, engine)

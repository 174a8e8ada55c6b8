"""Columns every entity table has.

Decided once for the whole product:

* ``id`` is a UUID, generated time-ordered (UUIDv7) so PostgreSQL b-tree
  inserts stay local at a million rows, and so records can be exchanged and
  replicated between sites (accounting exchange, distributed bases) without
  id clashes.
* ``version`` counts writes for optimistic locking.
* ``deleted_at`` is the trash marker; rows are only removed by a purge.
* ``owner_id`` is the responsible user: what the "own", "team" and
  "department" permission scopes are measured against.
* ``search_text`` is the case-folded text of the entity's search fields,
  maintained by the query gate on every write (SQLite's ``lower()`` and
  ``LIKE`` fold ASCII only, so Cyrillic search needs it on both engines).
* ``custom`` holds custom field values (JSONB on PostgreSQL, JSON text on
  SQLite), indexed per field by expression indexes.
"""

from __future__ import annotations

import uuid

import uuid_utils.compat
from piccolo.columns import JSONB, UUID, Integer, Text, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


def new_id() -> uuid.UUID:
    """A new time-ordered id (UUIDv7), as every entity row gets."""
    return uuid_utils.compat.uuid7()


def new_id_text() -> str:
    """:func:`new_id` as text, for bulk writes: ten times cheaper than building a
    ``uuid.UUID`` (an import makes two per row; both engines take the text)."""
    return str(uuid_utils.uuid7())


class EntityTable(Table):
    """Subclass this (not ``Table``) for a plugin's entity tables."""

    id = UUID(primary_key=True, default=new_id)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    created_by = UUID(null=True, default=None)
    updated_by = UUID(null=True, default=None)
    version = Integer(default=1)
    deleted_at = Timestamptz(null=True, default=None)
    owner_id = UUID(null=True, default=None, index=True)
    search_text = Text(default="")
    custom = JSONB(default={})

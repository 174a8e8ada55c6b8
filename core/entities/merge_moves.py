"""Carry out the moves the ``merge_records`` hook names: rows pointed at another record, and back.

A move is ``{"table", "column", "rows": {row_id: old_value}}`` — ``column``
holds a record id — or, with ``"key"``, ``column`` is the row's JSON
``custom`` and ``key`` the custom reference field in it. :func:`apply` points
each row at ``target_of(old)`` and returns only the rows it changed, which is
what a merge log must keep for its undo.

Each write is guarded by the value the row held when it was named (``WHERE
column = old``): a row someone re-pointed meanwhile is left as they left it.
On an entity's table the write also bumps ``version`` (an editor holding the
row gets a conflict instead of writing the old reference back — the gate's
update rewrites the whole ``custom`` column) and leaves one audit row per
moved row, under the principal who merged, as every other change of a merge.
"""

from __future__ import annotations

from typing import Callable
from uuid import UUID

from piccolo.querystring import QueryString

from core.audit.trail import record_changes
from core.custom_fields.sql import json_text, set_text_sql
from core.db.engine import engine_kind, get_engine
from core.entities.spec import Entity, Field
from core.entities.sql import quote
from core.permissions.principal import Principal

Target = Callable[[str], tuple[object, object]]  # old value -> (new value, the value the row must still hold)


def entity_of_table(kernel, table: str) -> Entity | None:
    return next((e for e in kernel.entities.values() if e.table._meta.tablename == table), None)


def field_of(move: dict) -> str:
    """The field a move changes, as the audit trail and the gate name it."""
    return move.get("key") or move["column"]


def _uuid(value) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


def _statement(move: dict, versioned: bool, kind: str) -> str:
    table, column = quote(move["table"]), quote(move["column"])
    bump = ', "version" = "version" + 1' if versioned else ""
    if move.get("key"):
        spec = Field(move["key"], "text", {"en": move["key"]}, custom=True)  # its stored text is all the SQL needs
        value = json_text(spec, kind)
        return (f"UPDATE {table} SET {column} = {set_text_sql(spec, kind)}{bump} "
                f"WHERE {quote('id')} = {{}} AND {value} = {{}} RETURNING {quote('id')}")
    return (f"UPDATE {table} SET {column} = {{}}{bump} "
            f"WHERE {quote('id')} = {{}} AND {column} = {{}} RETURNING {quote('id')}")


async def apply(kernel, principal: Principal, move: dict, target_of: Target) -> dict[str, str]:
    """Point each named row at ``target_of(old)``; the rows changed, ``{row_id: old}``.

    Call it inside the merge's (or undo's) transaction."""
    engine = get_engine()
    kind = engine_kind(engine)
    entity = entity_of_table(kernel, move["table"])
    sql = _statement(move, entity is not None, kind)
    custom = bool(move.get("key"))
    moved: dict[str, str] = {}
    for row_id, old in move["rows"].items():
        new, guard = target_of(old)
        # A custom reference is stored as text; a native column takes the UUID.
        new, guard = (str(new), str(guard)) if custom else (_uuid(new), _uuid(guard))
        if await engine.run_querystring(QueryString(sql, new, _uuid(row_id), guard)):
            moved[row_id] = old
            if entity is not None:
                name = field_of(move)
                await record_changes(principal, entity.key, _uuid(row_id), "update", {name: str(guard)}, {name: str(new)})
    return moved

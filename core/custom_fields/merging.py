"""Custom reference values follow a merge: core's part of the ``merge_records`` hook.

When records of an entity are merged, every custom field of type
``reference`` that targets that entity — on any registered entity, the merged
entity included — may hold one of the merged ids in a row's ``custom`` JSON.
This names those rows, as the hook asks (``{"table", "column", "key",
"rows"}``: ``key`` is the custom field inside the JSON ``column``); the merge
points them at the survivor through :mod:`core.entities.merge_moves` and
keeps the old values in its log for undo.

Every row is named, whoever may read it and trashed ones included: a merge
keeps the data consistent, it is not a read. Showing what moved to the user
is the merge screen's business, through the gate. Retired fields are named
too: their values are kept until purged and come back with the field.
"""

from __future__ import annotations

from uuid import UUID

from piccolo.querystring import QueryString

from core.custom_fields.sql import json_text
from core.custom_fields.tables import CustomField
from core.db.engine import engine_kind, get_engine
from core.entities.spec import Entity, Field
from core.entities.sql import quote

CUSTOM_COLUMN = "custom"


async def reference_fields(kernel, target: str) -> list[tuple[Entity, Field]]:
    """(entity, field) of every custom reference field pointing at ``target``, retired ones included."""
    from core.custom_fields.definitions import list_fields

    rows = await CustomField.select(CustomField.entity).where(
        (CustomField.type == "reference") & (CustomField.reference == target)).distinct()
    out = []
    for row in rows:
        entity = kernel.entities.get(row["entity"])
        if entity is None:  # its plugin is off: its rows are not the kernel's to write
            continue
        out.extend((entity, f) for f in await list_fields(entity.key, include_retired=True)
                   if f.type == "reference" and f.reference == target)
    return out


async def reference_moves(kernel, entity: Entity, merged_ids: list[UUID]) -> list[dict]:
    """Rows whose custom reference to ``entity`` holds one of ``merged_ids``, as ``merge_records`` moves."""
    if not merged_ids:
        return []
    engine = get_engine()
    kind = engine_kind(engine)
    marks = ", ".join("{}" for _ in merged_ids)
    ids = [str(m) for m in merged_ids]  # the stored form of a reference (text)
    moves = []
    for other, field in await reference_fields(kernel, entity.key):
        table = other.table._meta.tablename
        value = json_text(field, kind)
        sql = f"SELECT {quote('id')} AS id, {value} AS old FROM {quote(table)} WHERE {value} IN ({marks})"
        rows = await engine.run_querystring(QueryString(sql, *ids))
        if rows:
            moves.append({"table": table, "column": CUSTOM_COLUMN, "key": field.name,
                          "rows": {str(r["id"]): str(r["old"]) for r in rows}})
    return moves

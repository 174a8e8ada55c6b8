"""A record's timeline: its field history from the audit trail, and entries plugins add.

Only shown for a record the user can read (the caller fetched it through the
gate), and history of fields the user may not read is left out.
"""

from __future__ import annotations

import json
from datetime import datetime

from piccolo.querystring import QueryString

from core.db.engine import get_engine

LIMIT = 200


async def field_history(gate, record_id) -> list[dict]:
    rows = await get_engine().run_querystring(
        QueryString(
            'SELECT "at", "actor_id", "via", "action", "field", "old_value", "new_value" FROM "core_audit_change" '
            'WHERE "entity" = {} AND "record_id" = {} ORDER BY "at" DESC, "id" DESC LIMIT ' + str(LIMIT),
            gate.entity.key, record_id,
        )
    )
    out = []
    for row in map(dict, rows):
        if row["field"] and not gate.readable(row["field"]):
            continue
        out.append({
            "at": _when(row["at"]), "kind": row["action"], "actor_id": row["actor_id"], "field": row["field"],
            "old": _load(row["old_value"]), "new": _load(row["new_value"]),
        })
    return out


def _when(value):
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _load(text):
    return json.loads(text) if text else None


async def timeline(request, gate, record: dict) -> list[dict]:
    """History plus plugin entries (the ``timeline_entries`` hook), newest first."""
    import inspect

    entries = await field_history(gate, record["id"])
    kernel = gate.kernel
    for result in kernel.hook.timeline_entries(kernel=kernel, entity=gate.entity, record=record, principal=gate.principal):
        result = await result if inspect.isawaitable(result) else result
        for entry in result or []:
            entries.append({"at": entry["at"], "kind": entry.get("kind", "note"), "text": entry.get("text", ""),
                            "url": entry.get("url"), "actor_id": entry.get("actor_id")})
    return sorted(entries, key=lambda e: e["at"], reverse=True)

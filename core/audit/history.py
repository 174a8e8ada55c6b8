"""A record's field history, read from the audit trail for one principal."""

from __future__ import annotations

import json
from datetime import datetime

from piccolo.querystring import QueryString

from core.db.engine import get_engine

LIMIT = 200


async def field_history(entity, record_id, principal) -> list[dict]:
    """Newest first, at most ``LIMIT`` changes; fields the principal may not read are left out."""
    rows = await get_engine().run_querystring(
        QueryString(
            'SELECT "at", "actor_id", "via", "action", "field", "old_value", "new_value" FROM "core_audit_change" '
            'WHERE "entity" = {} AND "record_id" = {} ORDER BY "at" DESC, "id" DESC LIMIT ' + str(LIMIT),
            entity.key, record_id,
        )
    )
    out = []
    for row in map(dict, rows):
        if row["field"] and not principal.can_read_field(entity.key, row["field"]):
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

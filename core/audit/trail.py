"""Write the field-level audit trail, inside the caller's transaction."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any
from uuid import UUID

from piccolo.querystring import QueryString

from core.db.engine import get_engine
from core.entities.base import new_id
from core.permissions.principal import Principal

COLUMNS = ("id", "at", "actor_id", "via", "ip", "entity", "record_id", "action", "field", "old_value", "new_value")


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, default=str, ensure_ascii=False)


async def record_changes(
    principal: Principal, entity: str, record_id: UUID, action: str, before: dict, after: dict
) -> int:
    """One row per changed field (create: every field set; delete/restore: the trash marker)."""
    now = datetime.now(timezone.utc)
    rows = []
    for name in sorted(after):
        old, new = before.get(name), after[name]
        if action == "create" and new in (None, "", [], {}):
            continue
        if action == "update" and old == new:
            continue
        rows.append(
            (new_id(), now, principal.user_id, principal.via, principal.ip, entity, record_id, action, name, _json(old), _json(new))
        )
    if not rows:
        return 0
    placeholders = ", ".join("(" + ", ".join("{}" for _ in COLUMNS) + ")" for _ in rows)
    sql = f'INSERT INTO "core_audit_change" ({", ".join(COLUMNS)}) VALUES {placeholders}'
    await get_engine().run_querystring(QueryString(sql, *[v for row in rows for v in row]))
    return len(rows)

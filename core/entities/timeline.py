"""A record's timeline: every ``timeline_entries`` contribution, newest first.

Core's audit trail contributes the field history (``core.audit.builtin``);
plugins add calls, emails, deals... The caller fetched the record through the
gate, so the principal can read it; each contributor leaves out what the
principal may not see.
"""

from __future__ import annotations

import inspect

from core.auth.tables import User


async def timeline(request, gate, record: dict) -> list[dict]:
    kernel = gate.kernel
    entries: list[dict] = []
    for result in kernel.hook.timeline_entries(kernel=kernel, entity=gate.entity, record=record, principal=gate.principal):
        result = await result if inspect.isawaitable(result) else result
        for entry in result or []:
            entries.append({"kind": "note", "text": "", "url": None, "actor_id": None, "field": None, **entry})
    lang = gate.principal.language
    for entry in entries:
        spec = gate.fields.get(entry["field"]) if entry["field"] else None
        entry["label"] = (spec.label.get(lang) or spec.label.get("en")) if spec else entry["field"]
    names = await _actor_names({e["actor_id"] for e in entries if e["actor_id"]})
    for entry in entries:
        entry["actor"] = names.get(str(entry["actor_id"]), "")
    return sorted(entries, key=lambda e: e["at"], reverse=True)


async def _actor_names(ids: set) -> dict[str, str]:
    if not ids:
        return {}
    rows = await User.select(User.id, User.name, User.email).where(User.id.is_in(list(ids)))
    return {str(r["id"]): r["name"] or r["email"] for r in rows}

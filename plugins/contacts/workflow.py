"""Writes the plugin's own screens make, through the query gate.

Some fields are set by a workflow, never typed in a form (a task's status,
the interaction a follow-up continues): they are read-only in the entity
declaration, so the generic forms and the API refuse them. A workflow step
writes them through a gate over the same entity with just those fields
writable — same permissions, scope, field rules, locking and audit.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from core.permissions.gate import Gate, active_custom_fields


async def workflow_gate(kernel, key: str, principal, writable: tuple[str, ...]) -> Gate:
    entity = kernel.entities[key]
    fields = tuple(replace(f, readonly=False) if f.name in writable else f for f in entity.fields)
    return Gate(kernel, replace(entity, fields=fields), principal, await active_custom_fields(key))


def local_datetime(raw: str | None) -> str | None:
    """A ``datetime-local`` input (no zone) read as UTC; anything with a zone passes as sent."""
    if not raw:
        return None
    raw = raw.strip()
    if len(raw) in (16, 19) and "T" in raw and raw[-1] not in "Zz" and "+" not in raw[10:] and "-" not in raw[10:]:
        return raw + "Z"
    return raw


def now() -> datetime:
    return datetime.now(timezone.utc)

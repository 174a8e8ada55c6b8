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

from core.i18n.timezones import from_input
from core.permissions.gate import Gate, active_custom_fields


async def workflow_gate(kernel, key: str, principal, writable: tuple[str, ...]) -> Gate:
    entity = kernel.entities[key]
    fields = tuple(replace(f, readonly=False) if f.name in writable else f for f in entity.fields)
    return Gate(kernel, replace(entity, fields=fields), principal, await active_custom_fields(key, principal.stamp))


def local_datetime(raw: str | None):
    """A ``datetime-local`` input (no zone) read on the user's clock (the request's zone),
    as the generic forms do; anything with a zone passes as sent, for the gate to check."""
    if not raw:
        return None
    return from_input(raw.strip())


def now() -> datetime:
    return datetime.now(timezone.utc)

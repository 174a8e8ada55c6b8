"""Core's audit trail on record timelines, contributed through the public
``timeline_entries`` hook like any plugin's entries."""

from __future__ import annotations

from core.hooks import hookimpl


@hookimpl
async def timeline_entries(kernel, entity, record, principal):
    from core.audit.history import field_history

    return await field_history(entity, record["id"], principal)

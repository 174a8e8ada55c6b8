"""Reading the plugin's own entities through the query gate, for screens and jobs.

A missing entity (its feature is off in this edition) and a missing
permission both read as "nothing here": the caller shows no panel.
"""

from __future__ import annotations

from core.entities.sql import Filter
from core.permissions.errors import NotFound
from core.permissions.gate import Gate, ListRequest


async def open_gate(kernel, key: str, principal) -> Gate | None:
    if key not in kernel.entities:
        return None
    try:
        gate = await Gate.open(kernel, key, principal)
    except NotFound:
        return None
    return gate if principal.can(gate.entity.permission("read")) else None


async def rows(kernel, key: str, principal, filters=(), sort=(), limit: int = 50, search: str = "",
               action: str = "read") -> list[dict]:
    """The first ``limit`` rows; ``action="export"`` for a file or feed (the export scope)."""
    gate = await open_gate(kernel, key, principal)
    if gate is None:
        return []
    flt = [f if isinstance(f, Filter) else Filter(*f) for f in filters]
    try:
        page = await gate.list(ListRequest(filters=flt, sort=list(sort), limit=limit, search=search, action=action))
    except NotFound:
        return []
    return page.rows


async def all_rows(kernel, key: str, principal, filters=(), sort=(), cap: int = 5000, action: str = "read") -> list[dict]:
    """Every row a filter matches (keyset pages of 500), up to ``cap``; ``action`` as in :func:`rows`."""
    gate = await open_gate(kernel, key, principal)
    if gate is None:
        return []
    flt = [f if isinstance(f, Filter) else Filter(*f) for f in filters]
    out, cursor = [], None
    while len(out) < cap:
        try:
            page = await gate.list(ListRequest(filters=flt, sort=list(sort), limit=500, cursor=cursor, action=action))
        except NotFound:
            return out
        out.extend(page.rows)
        cursor = page.next_cursor
        if not cursor:
            break
    return out[:cap]

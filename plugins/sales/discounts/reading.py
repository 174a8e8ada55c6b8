"""Rows for the discount engine, read through the query gate: each gate opened once per document.

Opening a gate reads the entity's custom field definitions; a document's
discounts read rules, products, categories level by level and clients, so
the gates are kept for the whole computation rather than reopened per read.
"""

from __future__ import annotations

from core.permissions.errors import NotFound
from core.permissions.gate import Gate, ListRequest

CAP = 5000  # more rules or categories than this is not a discount policy but a data accident


class Reader:
    def __init__(self, kernel, principal):
        self.kernel = kernel
        self.principal = principal
        self._gates: dict[str, Gate | None] = {}

    async def gate(self, key: str) -> Gate | None:
        """The entity's gate, or None when the entity is off or the user may not read it at all."""
        if key not in self._gates:
            gate = None
            if key in self.kernel.entities:
                try:
                    gate = await Gate.open(self.kernel, key, self.principal)
                except NotFound:
                    gate = None
            self._gates[key] = gate if gate is not None and self.principal.can(gate.entity.permission("read")) else None
        return self._gates[key]

    async def rows(self, key: str, filters=(), sort=()) -> list[dict]:
        """Every row the filters match (keyset pages of 500), up to ``CAP``; none without access."""
        gate = await self.gate(key)
        out, cursor = [], None
        while gate is not None and len(out) < CAP:
            try:
                page = await gate.list(ListRequest(filters=list(filters), sort=list(sort), limit=500, cursor=cursor))
            except NotFound:
                break
            out.extend(page.rows)
            cursor = page.next_cursor
            if not cursor:
                break
        return out[:CAP]

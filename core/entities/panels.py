"""A record page's panels: every ``record_panels`` contribution, by ``order``.

The record page of a client shows the deals, requests and invoices other
plugins add; the caller fetched the record through the gate, so the
principal can read it, and each contributor reads its own rows through the
gate too.
"""

from __future__ import annotations

import inspect


async def record_panels(gate, record: dict) -> list:
    kernel = gate.kernel
    panels = []
    for result in kernel.hook.record_panels(kernel=kernel, entity=gate.entity, record=record, principal=gate.principal):
        result = await result if inspect.isawaitable(result) else result
        panels.extend(result or [])
    return sorted(panels, key=lambda p: (p.order, p.key))

"""Warnings before a record is created (the ``record_warnings`` hook).

A warning does not refuse the write like ``record_checks`` does: the create
form shows it as you type (``POST <entity url>/new/check``, an htmx fragment) and
on save asks for a confirmation; the user decides. The contacts plugin warns
about likely duplicate clients this way.
"""

from __future__ import annotations

import inspect


async def record_warnings(gate, values: dict) -> list[str]:
    kernel = gate.kernel
    out: list[str] = []
    for result in kernel.hook.record_warnings(kernel=kernel, entity=gate.entity, values=dict(values), principal=gate.principal):
        result = await result if inspect.isawaitable(result) else result
        out.extend(str(w) for w in result or ())
    return out

"""Demo data: each enabled plugin loads its own through the ``on_demo`` hook."""

from __future__ import annotations

import inspect

from core.db.bootstrap import bound_kernel
from core.settings import Settings


async def load_demo_data(settings: Settings) -> list[str]:
    kernel = bound_kernel(settings)
    lines = []
    # Call in resolver order, dependencies first. pluggy *calls* the
    # last-registered implementation first, but get_hookimpls() lists them in
    # registration order (core, then plugins in resolver order): no reversing.
    for impl in kernel.hook.on_demo.get_hookimpls():
        outcome = impl.function(kernel=kernel)
        if inspect.isawaitable(outcome):
            await outcome
        lines.append(f"demo data: {impl.plugin_name}")
    return lines

"""Demo data: each enabled plugin loads its own through the ``on_demo`` hook."""

from __future__ import annotations

import inspect

from core.db.bootstrap import bound_kernel
from core.settings import Settings


async def load_demo_data(settings: Settings) -> list[str]:
    kernel = bound_kernel(settings)
    lines = []
    # Call in resolver order (pluggy's own order is last-registered first).
    for impl in reversed(kernel.hook.on_demo.get_hookimpls()):
        outcome = impl.function(kernel=kernel)
        if inspect.isawaitable(outcome):
            await outcome
        lines.append(f"demo data: {impl.plugin_name}")
    return lines

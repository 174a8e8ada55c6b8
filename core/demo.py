"""Demo data: each enabled plugin loads its own through the ``on_demo`` hook."""

from __future__ import annotations

import inspect

from core.db.bootstrap import bound_kernel
from core.db.engine import close_pool, get_engine, start_pool, write_transaction
from core.settings import Settings


async def load_demo_data(settings: Settings) -> list[str]:
    kernel = bound_kernel(settings)
    engine = get_engine(settings)
    # Thousands of small writes: reuse connections as the app does (on SQLite
    # a connection is a thread and a file open; it tripled the load time).
    await start_pool(engine, settings)
    try:
        return await _load(kernel, engine)
    finally:
        await close_pool(engine)


async def _load(kernel, engine) -> list[str]:
    lines = []
    # Call in resolver order, dependencies first. pluggy *calls* the
    # last-registered implementation first, but get_hookimpls() lists them in
    # registration order (core, then plugins in resolver order): no reversing.
    for impl in kernel.hook.on_demo.get_hookimpls():
        # One transaction per plugin: its demo data arrives whole or not at
        # all, and the gate's own transactions nest in it (one commit, not thousands).
        async with write_transaction(engine):
            outcome = impl.function(kernel=kernel)
            if inspect.isawaitable(outcome):
                await outcome
        lines.append(f"demo data: {impl.plugin_name}")
    return lines

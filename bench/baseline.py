"""The bare Litestar app P3 compares the list page and API with.

One handler, ``GET /rows``: the raw list query of :mod:`bench.queries` on
the same engine (the same Piccolo engine and pool settings as the product),
rows returned as JSON by Litestar's own encoder. No middleware, no
sessions, no plugins, no templates: what serving those rows costs at least.
Served like the product (``uvicorn``, one worker, access log on), by
``python -m uvicorn bench.baseline:app_from_env --factory``.
"""

from __future__ import annotations

from litestar import Litestar, get

from core.db.engine import close_pool, engine_kind, get_engine, start_pool
from core.settings import Settings


def app_from_env() -> Litestar:
    settings = Settings()
    engine = get_engine(settings)
    state: dict = {}

    async def startup() -> None:
        from bench.queries import raw_list

        await start_pool(engine, settings)
        state["query"] = (await raw_list(engine_kind(engine))).querystring()

    async def shutdown() -> None:
        await close_pool(engine)

    @get("/rows", sync_to_thread=False)
    async def rows() -> list[dict]:
        return [dict(r) for r in await engine.run_querystring(state["query"])]

    return Litestar([rows], on_startup=[startup], on_shutdown=[shutdown])

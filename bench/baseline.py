"""The bare Litestar app P3 compares the list page and API with.

One handler, ``GET /rows``: the raw list query of :mod:`bench.queries` on
the same engine (the same Piccolo engine and pool settings as the product),
rows returned as JSON by Litestar's own encoder; ``?limit=80`` for the
Odoo-sized page (50 rows otherwise). ``GET /ping`` answers a constant: the
load generator's ceiling on this machine (P3 shows it is not the limit). No middleware, no
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
        from bench.queries import ODOO_PAGE, PAGE, raw_list

        await start_pool(engine, settings)
        for page in (PAGE, ODOO_PAGE):
            state[page] = (await raw_list(engine_kind(engine), page)).querystring()

    async def shutdown() -> None:
        await close_pool(engine)

    @get("/rows", sync_to_thread=False)
    async def rows(limit: int = 50) -> list[dict]:
        return [dict(r) for r in await engine.run_querystring(state[limit])]

    @get("/ping", sync_to_thread=False)
    async def ping() -> str:
        return "ok"

    return Litestar([rows, ping], on_startup=[startup], on_shutdown=[shutdown])

"""PostgreSQL's pool: a query is one round trip, and a connection goes back as it came.

asyncpg's default reset runs a query (advisory unlock, CLOSE ALL, UNLISTEN,
RESET ALL) each time a connection returns to the pool — which, since Piccolo
takes one per query, doubled the cost of every query (81 µs against 162 µs
for ``SELECT 1`` on a local cluster). Klientela keeps no session state on
pooled connections, so ``keep_session`` skips it; these tests pin what makes
that safe: a transaction's ``SET LOCAL`` and advisory lock end with it, and a
transaction left open is still rolled back by asyncpg.
"""

from __future__ import annotations

import pytest
from piccolo.querystring import QueryString

from core.db.engine import close_pool, engine_kind, get_engine, keep_session, start_pool


@pytest.fixture
async def pg(app_factory):
    kernel = app_factory().state.kernel
    engine = get_engine()
    if engine_kind(engine) != "postgres":
        pytest.skip("PostgreSQL's connection pool")
    started = engine.pool is None
    if started:  # the test session's engine may run without a pool: the app's own start
        await start_pool(engine, kernel.settings)
    yield engine
    if started:
        await close_pool(engine)


async def test_the_pool_skips_the_reset_query(pg):
    assert pg.pool is not None and pg.pool._reset is keep_session


async def test_no_session_state_survives_its_transaction(pg):
    async with pg.transaction():
        await pg.run_querystring(QueryString("SET LOCAL statement_timeout = 1234"))
        await pg.run_querystring(QueryString("SELECT pg_advisory_xact_lock(4242)"))
    for _ in range(4):  # whichever pooled connection answers
        rows = await pg.run_querystring(QueryString("SELECT current_setting('statement_timeout') AS t, "
                                                    "(SELECT count(*) FROM pg_locks WHERE locktype = 'advisory') AS locks"))
        assert rows[0]["t"] != "1234ms" and rows[0]["locks"] == 0


async def test_a_transaction_left_open_is_rolled_back_on_release(pg):
    pool = pg.pool
    async with pool.acquire() as conn:
        await conn.execute("BEGIN")
        await conn.execute("SET LOCAL statement_timeout = 4321")
    for _ in range(4):
        async with pool.acquire() as conn:
            assert not conn.is_in_transaction()
            assert await conn.fetchval("SELECT current_setting('statement_timeout')") != "4321ms"

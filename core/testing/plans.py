"""The engine's query plan for exactly a query the code sent, for tests that check an index serves it.

No pytest here, like the rest of ``core.testing``: plugin tests use it too.
"""

from __future__ import annotations

from piccolo.querystring import QueryString

from core.db.engine import engine_kind, get_engine


async def query_plan(querystring: QueryString) -> str:
    """The plan for this query (same text, same parameters), one line per step.

    On PostgreSQL the sequential scan is forbidden for the one EXPLAIN: a test
    table is small, and the plan should show whether an index *can* serve the
    query (at scale the planner prefers it anyway).
    """
    engine = get_engine()
    if engine_kind(engine) == "sqlite":
        rows = await engine.run_querystring(QueryString("EXPLAIN QUERY PLAN {}", querystring))
        return "\n".join(str(dict(r)["detail"]) for r in rows)
    async with engine.transaction():
        await engine.run_querystring(QueryString("SET LOCAL enable_seqscan = off"))
        rows = await engine.run_querystring(QueryString("EXPLAIN {}", querystring))
        return "\n".join(str(next(iter(dict(r).values()))) for r in rows)

"""The pooled SQLite engine (core/db/sqlite_engine.py): one trip to the connection's thread per query.

A SQLite file of its own, whatever the suite's engine: this is the SQLite
engine's own behaviour, so it is tested on both suites' runs alike.
"""

from __future__ import annotations

import asyncio
import sqlite3

import aiosqlite
import pytest

from piccolo.querystring import QueryString

from core.db.engine import make_engine


async def run(engine, sql: str) -> list[dict]:
    return await engine.run_querystring(QueryString(sql))


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'pool.sqlite3'}")
    engine.open_pool()
    asyncio.run(engine.run_ddl('CREATE TABLE "t" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL UNIQUE)'))
    yield engine
    asyncio.run(engine.close_pool())


@pytest.fixture
def hand_offs(monkeypatch):
    """Counts the functions aiosqlite hands to a connection's thread (each a queue put and a loop wake-up)."""
    count = {"n": 0}
    real = aiosqlite.Connection._execute

    async def counted(self, fn, *args, **kwargs):
        count["n"] += 1
        return await real(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return count


def test_a_query_on_a_pooled_connection_is_one_trip_to_its_thread(engine, hand_offs):
    async def scenario():
        await run(engine, "INSERT INTO t (name) VALUES ('warm')")  # opens the pooled connection
        hand_offs["n"] = 0
        rows = await run(engine, "SELECT name FROM t")
        return rows

    assert asyncio.run(scenario()) == [{"name": "warm"}]
    assert hand_offs["n"] == 1  # execute, fetch, close and commit together; through aiosqlite's awaitables they were 4


def test_returning_rows_are_committed_and_a_failed_write_leaves_the_connection_usable(engine):
    async def scenario():
        inserted = await run(engine, "INSERT INTO t (name) VALUES ('a') RETURNING id, name")
        with pytest.raises(sqlite3.IntegrityError):
            await run(engine, "INSERT INTO t (name) VALUES ('a')")  # the unique name
        await run(engine, "INSERT INTO t (name) VALUES ('b')")  # the same pooled connection, no transaction left open
        return inserted, await run(engine, "SELECT name FROM t ORDER BY name")

    inserted, names = asyncio.run(scenario())
    assert [r["name"] for r in inserted] == ["a"]
    assert names == [{"name": "a"}, {"name": "b"}]
    # Committed: another connection (not the pool's) sees both rows.
    other = sqlite3.connect(engine.connection_kwargs["database"])
    try:
        assert other.execute("SELECT count(*) FROM t").fetchone()[0] == 2
    finally:
        other.close()

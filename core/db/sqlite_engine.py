"""Piccolo's SQLite engine, with the connections of single queries kept open.

Outside a transaction Piccolo opens a new connection for every query (field
notes): with aiosqlite that is a new thread, the file opened, the pragmas
run — about 1 ms, several times per page, which was most of what a list page
cost above its raw query. Here a finished query's connection goes back to a
small idle list instead of being closed, and the next query takes it.

Pooling is on between :meth:`open_pool` and :meth:`close_pool` (the app's
start-up and shut-down, a worker's run), like PostgreSQL's pool: an idle
aiosqlite connection is a non-daemon thread, and a script that never closed
it would hang at exit. Outside that window every query opens its own
connection, as Piccolo does.

Only plain Python lists are used, no asyncio primitives: they would bind
the pool to one event loop, and tests and the bench run several loops in
one process. A query that finds no idle connection opens one (the number
in use is bounded by concurrent queries, as before); at most ``max_idle``
are kept. Transactions keep Piccolo's own connection per transaction.

A single query is one trip to the connection's thread: execute, fetch, close
the cursor and commit run there together (:func:`_execute_fetch_commit`).
Through aiosqlite's awaitables they were four trips, each a queue hand-off
and an event-loop wake-up (about 0.1 ms apiece on these machines, more under
load) for every query of every request.
"""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

import aiosqlite
from piccolo.engine.sqlite import SQLiteEngine, dict_factory


def _execute_fetch_commit(connection: sqlite3.Connection, query: str, args: list[Any]) -> list:
    """Runs in the connection's own thread: the whole query in one hand-off."""
    cursor = connection.execute(query, args)
    try:
        rows = cursor.fetchall()
    finally:
        cursor.close()
    connection.commit()
    return rows


class PooledSQLiteEngine(SQLiteEngine):
    def __init__(self, *args, max_idle: int = 8, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_idle = max_idle
        self._idle: list[aiosqlite.Connection] = []
        self._pooling = False

    def open_pool(self) -> None:
        self._pooling = True

    async def _take(self) -> aiosqlite.Connection:
        if self._idle:
            return self._idle.pop()
        connection = aiosqlite.connect(**self.connection_kwargs)
        # A second guard beside close_pool: an idle connection's thread must never
        # keep a process alive at exit (aiosqlite starts it non-daemon, on await).
        thread = getattr(connection, "_thread", None)
        if thread is not None:
            thread.daemon = True
        await connection
        connection.row_factory = dict_factory  # type: ignore[assignment]
        await connection.execute("PRAGMA foreign_keys = 1")
        return connection

    async def _give_back(self, connection: aiosqlite.Connection) -> None:
        if self._pooling and len(self._idle) < self.max_idle:
            self._idle.append(connection)
        else:
            await connection.close()

    async def _run_in_new_connection(self, query: str, args: list[Any] | None = None, query_type: str = "generic",
                                     table=None):
        connection = await self._take()
        try:
            # aiosqlite's ``_execute`` hands one function to the connection's thread.
            rows = await connection._execute(_execute_fetch_commit, connection._conn, query, args or [])
        except asyncio.CancelledError:
            # The statement may still be running in the connection's thread: never reuse it.
            asyncio.ensure_future(connection.close())
            raise
        except BaseException:
            try:
                await connection.rollback()  # a failed write must not leave a transaction open on a reused connection
            except Exception:
                await connection.close()
                raise
            await self._give_back(connection)
            raise
        await self._give_back(connection)
        # RETURNING exists since SQLite 3.35 (2021); Piccolo's fallback for older versions is not needed here.
        return rows

    async def close_pool(self) -> None:
        self._pooling = False
        idle, self._idle = self._idle, []
        for connection in idle:
            await connection.close()

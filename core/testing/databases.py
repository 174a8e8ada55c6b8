"""Databases for tests: which engine the suite runs on, and throw-away databases.

The suite runs once per engine (``make test`` runs it on SQLite, then on
PostgreSQL). ``KLIENTELA_TEST_DB`` picks the engine; ``KLIENTELA_TEST_PG_URL``
points at the server ``scripts/pg.sh`` started.
"""

from __future__ import annotations

import asyncio
import os
import re
import threading
import uuid
from pathlib import Path

import asyncpg

ENGINE = os.environ.get("KLIENTELA_TEST_DB", "sqlite")


def on_postgres() -> bool:
    return ENGINE == "postgres"


def pg_admin_url() -> str:
    url = os.environ.get("KLIENTELA_TEST_PG_URL")
    if not url:
        raise RuntimeError("KLIENTELA_TEST_DB=postgres needs KLIENTELA_TEST_PG_URL (see scripts/pg.sh)")
    return url


def _in_thread(coro_factory):
    """Run a coroutine on its own loop, even when called from inside a running one."""
    result: dict = {}

    def target():
        try:
            result["value"] = asyncio.run(coro_factory())
        except BaseException as exc:  # re-raised in the caller's thread
            result["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")


def with_database(url: str, name: str) -> str:
    return re.sub(r"/[^/]*$", f"/{name}", url)


def fresh_database_url(tmp: Path, label: str = "db") -> str:
    """A new, empty database of the suite's engine."""
    if not on_postgres():
        return f"sqlite:///{tmp / f'{label}-{uuid.uuid4().hex[:8]}.sqlite3'}"
    name = f"k_{label}_{uuid.uuid4().hex[:10]}".lower()

    async def create():
        con = await asyncpg.connect(pg_admin_url())
        try:
            await con.execute(f'CREATE DATABASE "{name}"')
        finally:
            await con.close()

    _in_thread(create)
    return with_database(pg_admin_url(), name)


def reset_postgres_schema(url: str) -> None:
    async def reset():
        con = await asyncpg.connect(url)
        try:
            await con.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        finally:
            await con.close()

    _in_thread(reset)


def query(url: str, sql: str) -> list[tuple]:
    """Run one read query on any test database, outside Piccolo (for assertions)."""
    if url.startswith("sqlite:///"):
        import sqlite3

        con = sqlite3.connect(url[len("sqlite:///"):])
        try:
            return [tuple(r) for r in con.execute(sql).fetchall()]
        finally:
            con.close()

    async def run():
        con = await asyncpg.connect(url)
        try:
            return [tuple(r) for r in await con.fetch(sql)]
        finally:
            await con.close()

    return _in_thread(run)


def table_names(url: str) -> set[str]:
    if url.startswith("sqlite:///"):
        rows = query(url, "SELECT name FROM sqlite_master WHERE type = 'table'")
    else:
        rows = query(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return {r[0] for r in rows}

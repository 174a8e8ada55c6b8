"""One database engine per process, chosen from settings before any table is used.

Piccolo caches the engine on each table class the first time it is queried
(field notes: switching later mixed SQLite and PostgreSQL in one process).
So the engine is process-wide, created once from the settings, and asking for
a different URL later is an error rather than a silent mix.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.table import Table

from core.db.sqlite_engine import PooledSQLiteEngine
from core.settings import Settings

_engine: Engine | None = None
_engine_url: str | None = None


class EngineMismatch(RuntimeError):
    pass


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        path.parent.mkdir(parents=True, exist_ok=True)
        _prepare_sqlite_file(path)
        # timeout is SQLite's busy timeout: writers wait instead of failing.
        return PooledSQLiteEngine(path=str(path), timeout=30, factory=KlientelaConnection)
    return PostgresEngine(config={"dsn": url})


class KlientelaConnection(sqlite3.Connection):
    """Every SQLite connection Piccolo opens gets Unicode case folding.

    SQLite's ``lower()`` and ``LIKE`` fold ASCII only, so "Ромашка" would not
    match "ромаш". ``casefold(x)`` is Python's ``str.casefold``, deterministic,
    so the prefix indexes (``core.entities.prefix_index``) are built on it: a
    connection that writes entity tables must have it — open raw ones with
    ``factory=KlientelaConnection``.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.create_function("casefold", 1, _casefold, deterministic=True)


def _casefold(value):
    return value.casefold() if isinstance(value, str) else value


def fold_sql(expression: str, kind: str) -> str:
    """Unicode case folding of a text expression on either engine."""
    return f"casefold({expression})" if kind == "sqlite" else f"lower({expression})"


def fold_text(text: str, kind: str) -> str:
    """``text`` folded as :func:`fold_sql` folds the column it is compared with: Python's
    ``casefold`` on SQLite, ``lower`` on PostgreSQL (whose ``lower()`` keeps "ß" and a
    final "ς", which ``casefold`` turns into "ss" and "σ")."""
    return text.casefold() if kind == "sqlite" else text.lower()


def _prepare_sqlite_file(path: Path) -> None:
    """WAL lets readers run while one writer writes; it is stored in the file."""
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA journal_mode=WAL")
    finally:
        con.close()


def get_engine(settings: Settings | None = None) -> Engine:
    global _engine, _engine_url
    if settings is None and _engine is not None:
        # The hot path (the gate, auth, jobs ask many times per request): building
        # Settings reads the environment and the TOML file, ~2 ms each time.
        return _engine
    url = (settings or Settings()).resolved_database_url
    if _engine is None:
        _engine, _engine_url = make_engine(url), url
    elif url != _engine_url:
        raise EngineMismatch(
            f"this process already uses {redact(_engine_url)}; one database per process "
            f"(asked for {redact(url)})"
        )
    return _engine


def bind_tables(tables: list[type[Table]], engine: Engine) -> None:
    for table in tables:
        table._meta.db = engine


def engine_kind(engine: Engine) -> str:
    return "postgres" if isinstance(engine, PostgresEngine) else "sqlite"


def write_transaction(engine: Engine | None = None):
    """A transaction that will write: on SQLite it takes the write lock up
    front (IMMEDIATE), since a deferred one that reads then writes fails with
    "database is locked" when another connection wrote meanwhile."""
    engine = engine or get_engine()
    if isinstance(engine, PostgresEngine):
        return engine.transaction()
    from piccolo.engine.sqlite import TransactionType

    return engine.transaction(transaction_type=TransactionType.immediate)


def redact(url: str | None) -> str:
    """A URL fit for messages and logs: the password is never printed."""
    if not url or "@" not in url or "://" not in url:
        return url or ""
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"


async def keep_session(connection) -> None:
    """What a PostgreSQL connection needs on its way back to the pool: nothing more.

    asyncpg still rolls back a transaction left open and drops listeners before
    calling this; what it skips is its reset query (advisory unlock, CLOSE ALL,
    UNLISTEN, RESET ALL), one more round trip for *every* query, since Piccolo
    takes a connection from the pool per query. Klientela sets no session
    state on pooled connections: only ``SET LOCAL`` and transaction-level
    advisory locks, which end with their transaction (tests/test_engine.py)."""


async def start_pool(engine: Engine, settings: Settings) -> None:
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=settings.db_pool_min, max_size=settings.db_pool_max,
                                           reset=keep_session)
    elif isinstance(engine, PooledSQLiteEngine):
        engine.open_pool()


async def close_pool(engine: Engine) -> None:
    if isinstance(engine, PostgresEngine):
        await engine.close_connection_pool()
    elif isinstance(engine, PooledSQLiteEngine):
        await engine.close_pool()

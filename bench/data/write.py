"""The bulk paths: rows go to the database without the ORM.

* SQLite: one ``sqlite3`` connection, ``executemany`` of a whole chunk
  (50k rows) per transaction, ``synchronous=OFF`` while loading (a
  throw-away bench database: a crash mid-load means generating again).
* PostgreSQL: ``COPY`` (asyncpg ``copy_records_to_table``, binary) per chunk.

Clients go through ``write`` (with the duplicates' ground truth); the
activity tables (``bench.data.tables``) through ``write_rows``, each chunk
sorted by id first: UUIDv7 ids of one chunk spread over three years, and
inserting them in order keeps the primary-key index's writes local.

The trigram search index (``core.entities.search_index``) is dropped before
the load and made again afterwards by the product's own
``ensure_search_index``, which fills it in one pass: through its per-row
triggers (SQLite) it would cost ~3× as much, and a GIN index maintained row
by row (PostgreSQL) is slower than one build. The values written are those
the query gate writes: ``search_text`` from the gate's own function,
``custom`` as the gate's ``json.dumps`` of the stored custom values.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from core.db.engine import KlientelaConnection  # casefold(): the prefix indexes are built on it
from core.entities.search_index import index_table

COLUMNS = (
    "id", "created_at", "updated_at", "created_by", "updated_by", "version", "deleted_at",
    "owner_id", "search_text", "custom", "name", "kind", "inn", "email", "phone",
)
TRUTH_TABLE = "bench_duplicate"  # ground truth of the labelled duplicates
TRUTH_COLUMNS = ("original_id", "duplicate_id", "changes")


def sqlite_path(url: str) -> Path:
    return Path(url[len("sqlite:///"):])


class SqliteWriter:
    def __init__(self, url: str, table: str):
        self.table = table
        self.inserts: dict[tuple, str] = {}
        self.con = sqlite3.connect(sqlite_path(url), isolation_level=None, factory=KlientelaConnection)
        self.con.execute("PRAGMA synchronous=OFF")
        self.con.execute("PRAGMA cache_size=-262144")  # 256 MB page cache while loading
        placeholders = ", ".join("?" for _ in COLUMNS)
        self.insert = f'INSERT INTO "{table}" ({", ".join(COLUMNS)}) VALUES ({placeholders})'
        self.con.execute(f'CREATE TABLE IF NOT EXISTS "{TRUTH_TABLE}" (original_id TEXT NOT NULL, duplicate_id TEXT PRIMARY KEY, changes TEXT NOT NULL)')

    async def drop_search_index(self, table: str | None = None) -> None:
        fts = index_table(table or self.table)
        for suffix in ("ai", "ad", "au"):
            self.con.execute(f'DROP TRIGGER IF EXISTS "{fts}_{suffix}"')
        self.con.execute(f'DROP TABLE IF EXISTS "{fts}"')

    async def write(self, rows: list[tuple], truth: list[tuple]) -> None:
        self.con.execute("BEGIN")
        self.con.executemany(self.insert, rows)  # ids and times already text (generate.db_row)
        self.con.executemany(f'INSERT INTO "{TRUTH_TABLE}" VALUES (?, ?, ?)', [(str(a), str(b), c) for a, b, c in truth])
        self.con.execute("COMMIT")

    async def write_rows(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        key = (table, columns)
        if key not in self.inserts:
            self.inserts[key] = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" for _ in columns)})'
        self.con.execute("BEGIN")
        self.con.executemany(self.inserts[key], sorted(rows))
        self.con.execute("COMMIT")

    async def finish(self, *tables: str) -> int:
        """Gather statistics and close; the database's size in bytes."""
        # Planner statistics, as PostgreSQL's ANALYZE below: without them SQLite
        # guesses which index serves a filtered, sorted list.
        self.con.execute("ANALYZE")
        self.con.execute("PRAGMA synchronous=FULL")
        pages, page_size = self.con.execute("PRAGMA page_count").fetchone()[0], self.con.execute("PRAGMA page_size").fetchone()[0]
        self.con.close()
        return pages * page_size


class PostgresWriter:
    def __init__(self, url: str, table: str):
        self.url, self.table, self.con = url, table, None

    async def open(self) -> None:
        import asyncpg

        self.con = await asyncpg.connect(self.url)
        await self.con.execute(f'CREATE TABLE IF NOT EXISTS "{TRUTH_TABLE}" (original_id uuid NOT NULL, duplicate_id uuid PRIMARY KEY, changes text NOT NULL)')

    async def drop_search_index(self, table: str | None = None) -> None:
        await self.con.execute(f'DROP INDEX IF EXISTS "{table or self.table}_search_trgm"')

    async def write(self, rows: list[tuple], truth: list[tuple]) -> None:
        async with self.con.transaction():
            await self.con.copy_records_to_table(self.table, records=rows, columns=list(COLUMNS))
            if truth:
                await self.con.copy_records_to_table(TRUTH_TABLE, records=truth, columns=list(TRUTH_COLUMNS))

    async def write_rows(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        async with self.con.transaction():
            await self.con.copy_records_to_table(table, records=sorted(rows), columns=list(columns))

    async def finish(self, *tables: str) -> int:
        """Gather statistics and close; the database's size in bytes."""
        # What autovacuum would do soon after a bulk load: planner statistics.
        for table in (self.table, *tables):
            await self.con.execute(f'ANALYZE "{table}"')
        size = await self.con.fetchval("SELECT pg_database_size(current_database())")
        await self.con.close()
        return int(size)


async def open_writer(url: str, table: str):
    if url.startswith("sqlite:///"):
        return SqliteWriter(url, table)
    writer = PostgresWriter(url, table)
    await writer.open()
    return writer

"""``klientela bench data``: fill a (migrated, throw-away) database with clients at scale.

Order of work: the org (users in departments and teams) and the custom
field definitions first, through the product's functions; then the client
rows through the bulk path with the search index dropped; then the search
index built in one pass. A database that already holds clients is refused:
generated data is only comparable when it is all of one seed.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from bench.data.org import make_org
from bench.data.rows import client_chunks
from bench.data.write import COLUMNS, open_writer

ENTITY = "contacts.client"
DEFAULT_SEED = 1
DEFAULT_DUPLICATES_SHARE = 0.05
# Custom fields of the generated clients: a choice shown as a list column
# (and indexed, as a filter would want), and the address (long text: stored
# and shown on the record, not a list column nor searched).
CUSTOM_FIELDS = (
    dict(name="segment", type="choice", label_en="Segment", label_ru="Сегмент",
         choices=["a=A|А", "b=B|Б", "c=C|В"], indexed=True),
    dict(name="address", type="long_text", label_en="Address", label_ru="Адрес"),
)
NOT_GENERATED = {
    "interactions": "not written yet: contacts_interaction exists now (calls, meetings, letters per client) but the generator writes clients only",
    "deals, invoices, sales lines": "the sales plugin has no tables for them yet (products only)",
}


class DataError(RuntimeError):
    pass


@dataclass
class Report:
    clients: int = 0
    duplicates: int = 0
    users: int = 0
    custom_fields: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # phase -> seconds
    files: list[Path] = field(default_factory=list)
    not_generated: dict[str, str] = field(default_factory=lambda: dict(NOT_GENERATED))

    @property
    def rows_per_second(self) -> float:
        """Client rows per second of the load itself (rows made and written)."""
        return self.clients / self.seconds["rows"] if self.seconds.get("rows") else 0.0

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


async def custom_fields(kernel) -> list:
    """The definitions of :data:`CUSTOM_FIELDS`, created when missing (``create_field``)."""
    from core.custom_fields.definitions import create_field, list_fields

    have = {f.name for f in await list_fields(ENTITY)}
    for spec in CUSTOM_FIELDS:
        if spec["name"] not in have:
            await create_field(ENTITY, kernel=kernel, **spec)
    wanted = {spec["name"] for spec in CUSTOM_FIELDS}
    return [f for f in await list_fields(ENTITY) if f.name in wanted]


def search_text_function(kernel):
    """The query gate's own ``search_text`` computation, so generated rows match written ones."""
    from core.permissions.gate import Gate
    from core.permissions.principal import Principal

    gate = Gate(kernel, kernel.entities[ENTITY], Principal(user_id=None, via="system"))
    return gate._search_text


def db_row(record: dict, owner, search_text: Callable[[dict], str], custom: list, as_text: bool) -> tuple:
    """The row in :data:`COLUMNS` order. ``as_text`` (SQLite): ids and timestamps in the text
    forms Piccolo's SQLite adapters store — ``str(UUID)``, ``str(UTC datetime)`` — made here
    once rather than by sqlite3's adapter per value."""
    from core.entities.validation import to_storage

    values = {f.name: to_storage(f, record[f.name]) for f in custom}
    rid, created = record["id"], record["created_at"]
    if as_text:
        rid, created = str(rid), str(created)
    return (
        rid, created, created, owner, owner, 1, None, owner,
        search_text(record), json.dumps(values), record["name"], record["kind"], record["inn"], record["email"], record["phone"],
    )


async def client_count(table: str) -> int:
    from piccolo.querystring import QueryString

    from core.db.engine import get_engine

    rows = await get_engine().run_querystring(QueryString(f'SELECT count(*) AS n FROM "{table}"'))
    return int(rows[0]["n"])


async def generate(settings, clients: int, *, seed: int = DEFAULT_SEED, duplicates_share: float = DEFAULT_DUPLICATES_SHARE,
                   files: Path | None = None, progress: Callable[[str], None] | None = None) -> Report:
    from core.db.bootstrap import bound_kernel
    from core.entities.search_index import ensure_search_index

    say = progress or (lambda line: None)
    kernel = bound_kernel(settings)
    table = kernel.entities[ENTITY].table._meta.tablename
    if (existing := await client_count(table)) > 0:
        raise DataError(f"the database already holds {existing} clients; generate into a fresh database")
    report = Report()
    started = time.perf_counter()
    org = await make_org()
    custom = await custom_fields(kernel)
    report.users, report.custom_fields = len(org.emails), [f.name for f in custom]
    report.seconds["users and fields"] = time.perf_counter() - started

    search_text = search_text_function(kernel)
    writer = await open_writer(settings.resolved_database_url, table)
    as_text = settings.resolved_database_url.startswith("sqlite:///")
    owner_ids = [str(m) if as_text else m for m in org.managers]
    out = None
    if files is not None:
        from bench.data.files import ClientFiles, file_row

        out = ClientFiles(files)
    started = time.perf_counter()
    await writer.drop_search_index()
    for chunk in client_chunks(seed, clients, duplicates_share, len(org.managers)):
        rows = [db_row(r, owner_ids[r["_owner"]], search_text, custom, as_text) for r in chunk.records]
        await writer.write(rows, chunk.truth)
        if out is not None:
            out.write([file_row(r, org.emails[org.managers[r["_owner"]]]) for r in chunk.records], chunk.truth)
        report.clients += len(rows)
        report.duplicates += len(chunk.truth)
        say(f"{report.clients} clients written ({report.clients / (time.perf_counter() - started):.0f} rows/s)")
    report.seconds["rows"] = time.perf_counter() - started
    if out is not None:
        started = time.perf_counter()
        report.files = out.close()
        report.seconds["files (closing the XLSX)"] = time.perf_counter() - started
    started = time.perf_counter()
    await ensure_search_index(table)
    await writer.finish()
    report.seconds["search index"] = time.perf_counter() - started
    return report


__all__ = ["generate", "Report", "DataError", "COLUMNS", "CUSTOM_FIELDS", "NOT_GENERATED"]

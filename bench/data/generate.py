"""``klientela bench data``: fill a (migrated, throw-away) database with clients at scale.

Order of work: the org (users in departments and teams) and the custom
field definitions first, through the product's functions; then, chunk by
chunk, the client rows and the activities of those clients (interactions
and assignments, ``bench.data.activities``) through the bulk path with the
search indexes dropped; then the search indexes built in one pass each. A
database that already holds clients is refused: generated data is only
comparable when it is all of one seed.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable

from bench.data.activities import PER_CLIENT, ActivityMaker, check
from bench.data.org import make_org
from bench.data.rows import client_chunks
from bench.data.seasons import Calendar
from bench.data.tables import INTERACTION, TASK, target
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
# Activities are made and written for this many clients at a time: the 150k activities of a
# whole 50k-client chunk, as dicts and then rows, would hold ~0.4 GB at once.
ACTIVITY_SLICE = 10_000
SALES_LATER = "they arrive with the sales plugin's quotes and invoices (deals, their lines and the catalogue they sell are generated with --deals)"
NOT_GENERATED = {"invoices, sales lines": SALES_LATER}
DEAL = "sales.deal"
DEAL_TABLES = ("sales_deal", "sales_deal_line", "sales_deal_stage_log")


class DataError(RuntimeError):
    pass


@dataclass
class Report:
    clients: int = 0
    duplicates: int = 0
    interactions: int = 0
    tasks: int = 0
    deals: int = 0
    deal_lines: int = 0
    stage_log: int = 0
    as_of: date | None = None  # the reference day of the activities
    users: int = 0
    custom_fields: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # phase -> seconds
    files: list[Path] = field(default_factory=list)
    not_generated: dict[str, str] = field(default_factory=lambda: dict(NOT_GENERATED))
    database_bytes: int = 0

    @property
    def rows_per_second(self) -> float:
        """Client rows per second of the load itself (rows made and written)."""
        return self.clients / self.seconds["rows"] if self.seconds.get("rows") else 0.0

    @property
    def activities(self) -> int:
        return self.interactions + self.tasks

    @property
    def activities_per_second(self) -> float:
        """Interaction and assignment rows per second (made and written)."""
        return self.activities / self.seconds["activities"] if self.seconds.get("activities") else 0.0

    @property
    def deals_per_second(self) -> float:
        """Deal, line and stage log rows per second (made and written)."""
        rows = self.deals + self.deal_lines + self.stage_log
        return rows / self.seconds["deals"] if self.seconds.get("deals") else 0.0

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


def search_text_function(kernel, key: str = ENTITY):
    """The query gate's own ``search_text`` computation, so generated rows match written ones."""
    from core.permissions.gate import Gate
    from core.permissions.principal import Principal

    gate = Gate(kernel, kernel.entities[key], Principal(user_id=None, via="system"))
    return gate._search_text


def db_row(record: dict, owner, search_text: Callable[[dict], str], custom: list, as_text: bool) -> tuple:
    """The row in :data:`COLUMNS` order. ``as_text`` (SQLite): ids and timestamps in the text
    forms Piccolo's SQLite adapters store — ``str(UUID)``, ``str(UTC datetime)`` — made here
    once rather than by sqlite3's adapter per value."""
    from core.entities.stored_values import to_storage

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


def today() -> date:
    return datetime.now(timezone.utc).date()


async def activity_targets(kernel, interactions: int | None):
    """The interaction and assignment tables, or ``(None, None, why)`` when interactions cannot be written.

    ``interactions`` None means "the default": skipped, with the reason, when
    the tables are not there; a number asked for is an error then."""
    found = await target(kernel, INTERACTION, search_text_function(kernel, INTERACTION))
    if isinstance(found, str):
        if interactions:
            raise DataError(f"--interactions {interactions}: cannot write interactions: {found}")
        return None, None, found
    tasks = await target(kernel, TASK, search_text_function(kernel, TASK))
    return found, tasks if not isinstance(tasks, str) else None, None


async def deal_tables(kernel, deals: int | None) -> str | None:
    """Why deals cannot be written here, or None."""
    from bench.data.tables import table_exists

    if not deals:
        return None
    if DEAL not in kernel.entities:
        return f"--deals {deals}: no entity {DEAL} (the sales plugin is not enabled, or too old)"
    for table in DEAL_TABLES:
        if not await table_exists(table):
            return f"--deals {deals}: table {table} is not in this database (migrations not run?)"
    return None


async def generate(settings, clients: int, *, seed: int = DEFAULT_SEED, duplicates_share: float = DEFAULT_DUPLICATES_SHARE,
                   interactions: int | None = 0, as_of: date | None = None, deals: int = 0,
                   files: Path | None = None, progress: Callable[[str], None] | None = None) -> Report:
    """Write ``clients`` clients and ``interactions`` activities of them (None: :data:`PER_CLIENT` per client
    when the contacts plugin's tables are there), dated up to ``as_of`` (default today, UTC), and ``deals``
    deals of them with their lines and a year of stage history (``bench.data.deals``)."""
    from core.db.bootstrap import bound_kernel
    from core.entities.search_index import ensure_search_index

    if clients < 0 or (interactions is not None and interactions < 0) or deals < 0:
        raise DataError("the numbers of clients, interactions and deals cannot be negative")
    say = progress or (lambda line: None)
    kernel = bound_kernel(settings)
    table = kernel.entities[ENTITY].table._meta.tablename
    if (existing := await client_count(table)) > 0:
        raise DataError(f"the database already holds {existing} clients; generate into a fresh database")
    if no_deals := await deal_tables(kernel, deals):
        raise DataError(no_deals)
    interaction_target, task_target, why_not = await activity_targets(kernel, interactions)
    if why_not:
        interactions = 0
    elif interactions is None:
        interactions = PER_CLIENT * clients
    report = Report(as_of=as_of or today())
    if why_not:
        report.not_generated["interactions"] = why_not
    try:
        check(interactions, clients, report.as_of)
    except ValueError as exc:
        raise DataError(str(exc)) from exc
    started = time.perf_counter()
    org = await make_org()
    custom = await custom_fields(kernel)
    report.users, report.custom_fields = len(org.emails), [f.name for f in custom]
    report.seconds["users and fields"] = time.perf_counter() - started

    search_text = search_text_function(kernel)
    writer = await open_writer(settings.resolved_database_url, table)
    as_text = settings.resolved_database_url.startswith("sqlite:///")
    owner_ids = [str(m) if as_text else m for m in org.managers]
    people = owner_ids + [str(h) if as_text else h for h in org.heads]  # the activity stream's user indices
    maker = None
    if interactions:
        maker = ActivityMaker(seed, interactions, clients, len(org.managers), Calendar(report.as_of), tasks=task_target is not None)
    writing = [t for t in (interaction_target, task_target) if t is not None and maker is not None]
    deal_maker = None
    if deals:
        from bench.data.deals import DealMaker, catalogue_and_pipelines

        pipelines, products, price_type = await catalogue_and_pipelines(kernel, seed)
        deal_maker = DealMaker(seed, deals, clients, report.as_of, pipelines, products, price_type, owner_ids, as_text,
                               search_text_function(kernel, DEAL))
        await writer.drop_search_index(DEAL_TABLES[0])
    out = None
    if files is not None:
        from bench.data.files import ClientFiles, file_row

        out = ClientFiles(files)
    await writer.drop_search_index()
    for t in writing:
        await writer.drop_search_index(t.table)
    client_seconds = activity_seconds = deal_seconds = 0.0
    for chunk in client_chunks(seed, clients, duplicates_share, len(org.managers)):
        started = time.perf_counter()
        rows = [db_row(r, owner_ids[r["_owner"]], search_text, custom, as_text) for r in chunk.records]
        await writer.write(rows, chunk.truth)
        if out is not None:
            out.write([file_row(r, org.emails[org.managers[r["_owner"]]]) for r in chunk.records], chunk.truth)
        report.clients += len(rows)
        report.duplicates += len(chunk.truth)
        client_seconds += time.perf_counter() - started
        if maker is not None:
            started = time.perf_counter()
            for at in range(0, len(chunk.records), ACTIVITY_SLICE):
                made = maker.for_chunk(chunk.records[at:at + ACTIVITY_SLICE])
                await writer.write_rows(interaction_target.table, interaction_target.columns,
                                        interaction_target.rows(made.interactions, people, as_text))
                if made.tasks:
                    await writer.write_rows(task_target.table, task_target.columns, task_target.rows(made.tasks, people, as_text))
                report.interactions += len(made.interactions)
                report.tasks += len(made.tasks)
            activity_seconds += time.perf_counter() - started
        if deal_maker is not None:
            started = time.perf_counter()
            await write_deals(writer, deal_maker, chunk.records, report)
            deal_seconds += time.perf_counter() - started
        say(f"{report.clients} clients ({report.clients / client_seconds:.0f} rows/s)"
            + (f", {report.activities} activities ({report.activities / activity_seconds:.0f} rows/s)" if maker else "")
            + (f", {report.deals} deals" if deal_maker else "") + " written")
    report.seconds["rows"] = client_seconds
    if maker is not None:
        report.seconds["activities"] = activity_seconds
    if deal_maker is not None:
        report.seconds["deals"] = deal_seconds
    if out is not None:
        started = time.perf_counter()
        report.files = out.close()
        report.seconds["files (closing the XLSX)"] = time.perf_counter() - started
    started = time.perf_counter()
    written = [t.table for t in writing] + (list(DEAL_TABLES) if deal_maker else [])
    for name in (table, *(t.table for t in writing), *(DEAL_TABLES[:1] if deal_maker else ())):
        await ensure_search_index(name)
    report.database_bytes = await writer.finish(*written)
    report.seconds["search index"] = time.perf_counter() - started
    return report


async def write_deals(writer, maker, records: list[dict], report: Report) -> None:
    """The deals of a chunk's clients, slice by slice: deals, then their lines and stage log."""
    from bench.data.deals import DEAL_COLUMNS, LINE_COLUMNS, LOG_COLUMNS

    for at in range(0, len(records), ACTIVITY_SLICE):
        made = maker.for_chunk(records[at:at + ACTIVITY_SLICE])
        await writer.write_rows(DEAL_TABLES[0], DEAL_COLUMNS, made.deals)
        await writer.write_rows(DEAL_TABLES[1], LINE_COLUMNS, made.lines)
        await writer.write_rows(DEAL_TABLES[2], LOG_COLUMNS, made.log)
        report.deals += len(made.deals)
        report.deal_lines += len(made.lines)
        report.stage_log += len(made.log)


__all__ = ["generate", "Report", "DataError", "COLUMNS", "CUSTOM_FIELDS", "NOT_GENERATED", "SALES_LATER"]

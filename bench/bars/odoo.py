"""The Odoo-shaped comparison: our own figures per operation, as issue 16 compared them.

Klientela was once timed beside Odoo 19 on this machine (one PostgreSQL,
50,000 clients each, one server process each; the figures are in
docs/benchmarks.md). Odoo is not run here: this bar keeps *our* side of
that comparison in every bench run, per engine, so any later change shows
its effect on the same operations. Each is a call of the JSON API in
process (``httpx.ASGITransport``) as the bench administrator (every row in
scope, as Odoo's admin), on the bench database's clients; the figure is the
median time of one call, ``--repeat`` samples of a few calls each.

An operation the API cannot do yet is listed as not yet measurable, with
the answer the API gave, never faked: the probe call decides, so when the
API learns it (sparse ``fields=``, ``/groups``) the row starts measuring by
itself. Adding an operation is one line of :data:`OPERATIONS`.

Throughput (Odoo's "list, 8 connections") is P3's row "list API, 80 rows,
vs bare handler": it needs a served worker and the load generator.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass
from typing import Callable

from bench.queries import API_URL, ODOO_PAGE, TABLE
from bench.runner import MEASURED, NOT_YET, Result, register

MS = 1e3
FIVE_FIELDS = "name,kind,phone,email,inn"
# Odoo's wide list read 28 fields: as many of a client's, system fields included.
TWENTY_EIGHT_FIELDS = ",".join((
    "id", "version", "created_at", "updated_at", "owner_id", "name", "kind", "client_type", "industry", "region",
    "source", "importance", "stage", "country", "inn", "kpp", "ogrn", "phone", "phones", "email", "emails", "website",
    "address_legal", "address_actual", "latitude", "longitude", "team_id", "birthday"))
COUNT_BY = "kind"  # company or person: the field the issue counted by (the generated stages are all one value)


@dataclass(frozen=True)
class Sample:
    """What the operations are asked with, from the bench database."""

    record_id: str
    prefix: str  # the first three letters of a person's name in the middle of the table
    stages: tuple[str, ...]  # every value of the counted field


@dataclass(frozen=True)
class Operation:
    what: str
    calls: Callable[[Sample], list[tuple[str, str, dict | None]]]  # (method, URL, JSON body) per call of one op
    expect: int = 200


def _list(extra: str = "") -> Callable[[Sample], list]:
    return lambda s: [("GET", f"{API_URL}?sort=name&limit={ODOO_PAGE}{extra}", None)]


_created = iter(range(10**9))

OPERATIONS: tuple[Operation, ...] = (
    Operation(f"list, every field, {ODOO_PAGE} rows by name", _list()),
    Operation(f"list, 5 fields (fields=), {ODOO_PAGE} rows by name", _list(f"&fields={FIVE_FIELDS}")),
    Operation(f"list, 28 fields (fields=), {ODOO_PAGE} rows by name", _list(f"&fields={TWENTY_EIGHT_FIELDS}")),
    Operation(f"prefix filter on the name, {ODOO_PAGE} rows", lambda s: [("GET", f"{API_URL}?name__startswith={s.prefix}&sort=name&limit={ODOO_PAGE}", None)]),
    Operation("read one record", lambda s: [("GET", f"{API_URL}/{s.record_id}", None)]),
    Operation("create one record", lambda s: [("POST", API_URL, {"name": f"Bench create {next(_created)}", "kind": "company"})], expect=201),
    Operation(f"count by a field ({COUNT_BY}), one /count call per value", lambda s: [("GET", f"{API_URL}/count?{COUNT_BY}={v}", None) for v in s.stages]),
    Operation(f"count by a field ({COUNT_BY}) in one call (/groups)", lambda s: [("GET", f"{API_URL}/groups?by={COUNT_BY}", None)]),
)


async def sample_of(engine) -> Sample:
    from piccolo.querystring import QueryString

    # A person in the middle of the table: their name starts with a surname (a company's may start with a quote).
    middle = (await engine.run_querystring(QueryString(
        f'SELECT "id", "name" FROM "{TABLE}" WHERE "deleted_at" IS NULL AND "kind" = {{}} ORDER BY "id" LIMIT 1 '
        f'OFFSET (SELECT count(*) / 2 FROM "{TABLE}" WHERE "kind" = {{}})', "person", "person")))[0]
    stages = await engine.run_querystring(QueryString(f'SELECT DISTINCT "{COUNT_BY}" AS v FROM "{TABLE}" WHERE "{COUNT_BY}" <> {{}}', ""))
    if not stages:
        raise LookupError(f"no client has a {COUNT_BY}: generate the data first (klientela bench data)")
    return Sample(str(middle["id"]), middle["name"][:3], tuple(sorted(str(r["v"]) for r in stages)))


async def call(client, op: Operation, sample: Sample) -> tuple[int, int, str]:
    """One operation: (status of the first answer that was not the expected one, else expected; bytes; its text)."""
    size = 0
    for method, url, body in op.calls(sample):
        response = await client.request(method, url, json=body)
        size += len(response.content)
        if response.status_code != op.expect:
            return response.status_code, size, response.text[:200]
    return op.expect, size, ""


async def timed(client, op: Operation, sample: Sample, calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        status, _, text = await call(client, op, sample)
        if status != op.expect:
            raise RuntimeError(f"{op.what}: answered {status}: {text}")
    return (time.perf_counter() - started) / calls


async def measure_ops(ctx) -> list[Result]:
    from bench.bars.lists import ensure_clients
    from bench.bars.platform import served_as
    from bench.context import BENCH_ADMIN
    from core.app import create_app
    from core.db.engine import get_engine

    count = await ensure_clients(ctx)
    sample = await sample_of(get_engine(ctx.settings("corp")))
    calls = max(1, ctx.requests // 20)
    rows = []
    async with served_as(create_app(ctx.settings("corp")), BENCH_ADMIN) as (admin,):
        for op in OPERATIONS:
            status, size, text = await call(admin, op, sample)
            if status != op.expect:
                rows.append(Result(what=op.what, status=NOT_YET, note=f"the API answers {status} ({text.strip()[:120]})"))
                continue
            await timed(admin, op, sample, calls)  # warm-up
            samples = [await timed(admin, op, sample, calls) for _ in range(ctx.repeat)]
            note = (f"{count:,} clients, {ctx.engine}; administrator; {len(op.calls(sample))} call(s) per op, "
                    f"{size / 1024:.1f} KiB answered; median of {ctx.repeat} samples of {calls}")
            rows.append(Result(what=op.what, status=MEASURED, ours=statistics.median(samples) * MS, unit="ms", note=note,
                               samples_seconds={"ours": samples}))
    return rows


@register("ops", "odoo-ops", "Odoo-shaped operations, our figures", "informational")
def odoo_ops(ctx):
    return asyncio.run(measure_ops(ctx))

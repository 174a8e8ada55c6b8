"""The deal list and the deal board at scale, against the same raw SQL (issue 17).

On the generated deals (``klientela bench data --deals N``; the bar says it
cannot measure when the database has none). In process, through
``httpx.ASGITransport``, signed in as the generated sales manager (record
scope "team": the stock ``sales_manager`` role reads its team's deals):

* the deal list API (JSON) and page (HTML), filtered on the open deals of
  the "New business" pipeline, sorted by expected close date; against the
  hand-written query the gate's WHERE and ORDER BY come to for that user
  (owner in the team, live rows, the two filters, ``expected_close, id``, one
  row more than the page);
* the board of that pipeline (``/sales/deal/board?pipeline=…&status=open&sort=expected_close``):
  its stages as columns, counts and sums per currency, the first cards of
  each column; against the raw queries the same board needs — the stages in
  order, one ``GROUP BY stage`` with the count and sum, one per currency
  for the per-currency sums, and each column's first page.

Each sample is one request against one run of the raw side, interleaved.
Bar: ours ≤ 2× raw + 5 ms (as the client list's, P2).
"""

from __future__ import annotations

import asyncio
import time
from uuid import UUID

from piccolo.querystring import QueryString

from bench.bars.lists import list_row, raw_sampler, request_sampler
from bench.queries import MANAGER, PAGE, team_of
from bench.data.org import MEASURED_MANAGER
from bench.runner import NOT_YET, Result, interleaved_async, register

TABLE = "sales_deal"
PIPELINE = "New business"
LIST_URL = "/sales/deal/"
API_URL = "/api/sales/deal"
BOARD_URL = "/sales/deal/board"
PER_COLUMN = 50
COLUMNS = ("id", "created_at", "updated_at", "created_by", "updated_by", "version", "deleted_at", "owner_id", "custom",
           "name", "client", "contact", "pipeline", "stage", "probability", "amount", "currency", "price_type",
           "expected_close", "closed_at", "status", "source", "competitors", "lost_reason", "next_step")


async def _sql(engine, sql: str, *params):
    return await engine.run_querystring(QueryString(sql, *params))


async def pipeline_and_stages(engine) -> tuple[UUID, list[UUID]] | None:
    rows = await _sql(engine, 'SELECT "id" FROM "sales_pipeline" WHERE "name" = {} AND "deleted_at" IS NULL', PIPELINE)
    if not rows:
        return None
    pid = rows[0]["id"]
    stages = await _sql(engine, 'SELECT "id" FROM "sales_stage" WHERE "pipeline" = {} AND "deleted_at" IS NULL '
                                'ORDER BY "pipeline", "position", "id" LIMIT 100', pid)
    return pid, [s["id"] for s in stages]


def _owners(team: list[UUID]) -> str:
    return ", ".join("{}" for _ in team)


def raw_list(team: list[UUID], pipeline: UUID) -> QueryString:
    columns = ", ".join(f'"{c}"' for c in COLUMNS)
    sql = (f'SELECT {columns} FROM "{TABLE}" WHERE "owner_id" IN ({_owners(team)}) AND "deleted_at" IS NULL '
           f'AND "pipeline" = {{}} AND "status" = {{}} ORDER BY "expected_close" ASC, "id" ASC LIMIT {PAGE + 1}')
    return QueryString(sql, *team, pipeline, "open")


def raw_board(engine, kind: str, team: list[UUID], pipeline: UUID, stages: list[UUID]):
    """What the board reads, by hand: stages, per-stage count and sum, per-currency sums, each column's first cards."""
    columns = ", ".join(f'"{c}"' for c in COLUMNS)
    where = (f'"owner_id" IN ({_owners(team)}) AND "deleted_at" IS NULL AND "pipeline" = {{}} AND "status" = {{}}')
    args = (*team, pipeline, "open")
    money = 'CAST(round(CAST("amount" AS REAL) * 100) AS INTEGER)' if kind == "sqlite" else '"amount"'

    async def sample() -> float:
        started = time.perf_counter()
        await _sql(engine, 'SELECT "id", "name" FROM "sales_pipeline" WHERE "deleted_at" IS NULL ORDER BY "position", "name", "id" LIMIT 200')
        await _sql(engine, 'SELECT "id", "name" FROM "sales_stage" WHERE "pipeline" = {} AND "deleted_at" IS NULL '
                           'ORDER BY "pipeline", "position", "id" LIMIT 100', pipeline)
        await _sql(engine, f'SELECT "stage" AS k, count(*) AS n, sum({money}) AS s FROM "{TABLE}" WHERE {where} GROUP BY 1', *args)
        currencies = await _sql(engine, f'SELECT "currency" AS k, count(*) AS n FROM "{TABLE}" WHERE {where} GROUP BY 1', *args)
        for c in currencies:
            await _sql(engine, f'SELECT "stage" AS k, count(*) AS n, sum({money}) AS s FROM "{TABLE}" WHERE {where} '
                               f'AND "currency" = {{}} GROUP BY 1', *args, c["k"])
        for stage in stages:
            await _sql(engine, f'SELECT {columns} FROM "{TABLE}" WHERE {where} AND "stage" = {{}} '
                               f'ORDER BY "expected_close" ASC, "id" ASC LIMIT {PER_COLUMN}', *args, stage)
        return time.perf_counter() - started

    return sample


async def same_rows(client, engine, raw: QueryString, query: str) -> None:
    response = await client.get(f"{API_URL}?{query}")
    ours = [item["id"] for item in response.json()["items"]]
    theirs = [str(r["id"]) for r in (await engine.run_querystring(raw))[: len(ours) or PAGE]]
    if not ours or ours != theirs:
        raise AssertionError(f"the deal list API and the raw query disagree ({len(ours)} vs {len(theirs)} rows)")


async def deal_rows(ctx) -> list[Result]:
    from bench.bars.platform import served_as
    from core.app import create_app
    from core.db.engine import engine_kind, get_engine

    engine = get_engine(ctx.settings("corp"))
    kind = engine_kind(engine)
    found = await pipeline_and_stages(engine)
    count = (await _sql(engine, f'SELECT count(*) AS n FROM "{TABLE}"'))[0]["n"] if found else 0
    if not found or not count:
        return [Result("deal list and board vs raw SQL", status=NOT_YET,
                       note="no generated deals: klientela bench data --clients N --deals M first")]
    pipeline, stages = found
    team = await team_of(MEASURED_MANAGER)
    query = f"pipeline={pipeline}&status=open&sort=expected_close"
    raw = raw_list(team, pipeline)
    rows = []
    async with served_as(create_app(ctx.settings("corp")), MANAGER) as (manager,):
        await same_rows(manager, engine, raw, query)
        where = f"{count:,} deals, {ctx.engine}; sales manager (team scope); ?{query}"
        for what, url in (("list API (JSON)", f"{API_URL}?{query}"), ("list page (HTML)", f"{LIST_URL}?{query}")):
            pair = await interleaved_async(request_sampler(manager, url), raw_sampler(engine, raw), ctx.repeat, ctx.warmup)
            rows.append(list_row(f"deal {what} vs raw SQL", pair, f"{where}; one request per sample"))
        pair = await interleaved_async(request_sampler(manager, f"{BOARD_URL}?{query}"),
                                       raw_board(engine, kind, team, pipeline, stages), ctx.repeat, ctx.warmup)
        rows.append(list_row("deal board (HTML) vs its raw queries", pair,
                             f"{where}; {len(stages)} columns of ≤ {PER_COLUMN} cards, counts and sums per currency"))
    return rows


@register("deals", "deals-list", "Deal list and board: filter + sort + scope at scale", "≤ 2× raw SQL + 5 ms")
def deal_list(ctx):
    return asyncio.run(deal_rows(ctx))

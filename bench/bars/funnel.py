"""P5 (the funnel's part): the sales funnel over 1M deals against its raw SQL aggregates.

Ours is ``plugins.sales.funnel.report.funnel_report`` called in process — the
stages and pipeline read through the gate, then three aggregates over
``Gate.scoped_rows``: the cohort's levels (the stage log joined to the deals
created in the period), the closed deals' levels (the reverse funnel) and the
forecast of the open deals — and the Python that turns them into figures.
The baseline is the same three aggregates written by hand as raw SQL on the
same engine, without the gate. Two viewers: the administrator (every deal)
and a sales manager whose report scope is their team (an ``owner_id IN``
list, written into the raw SQL too). Bar: ours ≤ 1.5× raw.

The measured pipeline is the one with the most deals when it has enough
(``klientela bench data --clients … --deals N`` writes "New business" and
"Upsell"); otherwise deals are generated here (``--rows``, or ``BENCH_FUNNEL_DEALS`` for the smoke test; default 1M; one pipeline of seven
open stages, a won and a lost stage; deals created over two years, moving up
with skipped stages, about 3.5 stage log rows each) when the database has
fewer. That generator needs generated clients; this one
does not, and writes straight through the bulk paths of ``bench.data.write``.
The cohort is the 365 days up to the newest deal's creation.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from piccolo.querystring import QueryString

from bench.runner import Result, interleaved_async, measured, register

DEFAULT_DEALS = 1_000_000
RATIO = 1.5
MS = 1e3
OWNERS = 60
TEAM = 12  # the measured manager's team: a fifth of the owners
START = datetime(2024, 1, 1, tzinfo=timezone.utc)
DAYS = 730
CHUNK = 50_000
OPEN = ("Assessment", "Preparation", "Presentation", "Proposal", "Waiting", "Contract", "Closing")
NORMS = (100, 95, 70, 65, 50, 48, 40)
PIPELINE_NAME = "Bench funnel"
DEAL_COLUMNS = ("id", "created_at", "updated_at", "version", "owner_id", "search_text", "custom", "name", "pipeline",
                "stage", "probability", "amount", "currency", "expected_close", "closed_at", "status", "source",
                "competitors", "lost_reason", "next_step")
LOG_COLUMNS = ("id", "deal", "pipeline", "stage", "entered_at")


def owner_ids() -> list[uuid.UUID]:
    """The owners this bar's own generator gives deals to."""
    rnd = random.Random(5)
    return [uuid.UUID(int=rnd.getrandbits(128), version=4) for _ in range(OWNERS)]


async def measured_owners(pipeline_id) -> list:
    """Up to OWNERS responsible users of the pipeline's deals, in id order (the team: the first TEAM)."""
    from core.db.engine import get_engine

    rows = await get_engine().run_querystring(QueryString(
        f'SELECT "owner_id" AS o FROM "sales_deal" WHERE "pipeline" = {{}} AND "owner_id" IS NOT NULL '
        f'GROUP BY "owner_id" ORDER BY "owner_id" LIMIT {OWNERS}', pipeline_id))
    return [r["o"] if isinstance(r["o"], uuid.UUID) else uuid.UUID(str(r["o"])) for r in rows]


async def busiest_pipeline() -> tuple[uuid.UUID, int] | None:
    """The pipeline with the most deals (``klientela bench data --deals``' "New business"), if any."""
    from core.db.engine import get_engine

    rows = await get_engine().run_querystring(QueryString(
        'SELECT "pipeline" AS p, count(*) AS n FROM "sales_deal" GROUP BY "pipeline" ORDER BY 2 DESC LIMIT 1'))
    return (rows[0]["p"], int(rows[0]["n"])) if rows and rows[0]["p"] is not None else None


async def newest_year(pipeline_id) -> tuple[date, date]:
    """The 365 days up to the newest deal's creation (UTC days): the cohort measured."""
    from core.db.engine import get_engine

    rows = await get_engine().run_querystring(QueryString(
        'SELECT max("created_at") AS last FROM "sales_deal" WHERE "pipeline" = {}', pipeline_id))
    last = rows[0]["last"]
    last = last if isinstance(last, datetime) else datetime.fromisoformat(str(last))
    return last.date() - timedelta(days=364), last.date()


async def bench_pipeline() -> tuple[uuid.UUID, list[dict]] | None:
    from plugins.sales.tables import Pipeline, Stage

    found = await Pipeline.select(Pipeline.id).where(Pipeline.name == PIPELINE_NAME).first()
    if not found:
        return None
    stages = await Stage.select().where(Stage.pipeline == found["id"]).order_by(Stage.position)
    return found["id"], stages


async def make_pipeline() -> tuple[uuid.UUID, list[dict]]:
    from plugins.sales.tables import Pipeline, Stage

    pipeline = Pipeline(name=PIPELINE_NAME)
    await pipeline.save()
    specs = [(name, 10 * (i + 1), "open", norm, 10 + 10 * i) for i, (name, norm) in enumerate(zip(OPEN, NORMS))]
    specs += [("Won", 100, "won", 35, 100), ("Lost", 110, "lost", None, 0)]
    for name, position, outcome, norm, probability in specs:
        await Stage(name=name, pipeline=pipeline.id, position=position, outcome=outcome, probability=probability,
                    norm=None if norm is None else Decimal(norm)).save()
    return await bench_pipeline()


async def deal_count(pipeline_id) -> int:
    from core.db.engine import get_engine

    rows = await get_engine().run_querystring(QueryString('SELECT count(*) AS n FROM "sales_deal" WHERE "pipeline" = {}', pipeline_id))
    return int(rows[0]["n"])


def history(rnd: random.Random, opened: list[dict], won: dict, lost: dict) -> list[dict]:
    """The stages one deal entered: up the open stages (skipping some), then maybe won or lost."""
    index = rnd.choice((0, 0, 0, 1))
    path = []
    while True:
        path.append(opened[index])
        roll = rnd.random()
        if roll < 0.2:
            return path + [lost]
        if roll < 0.32 or (index == len(opened) - 1 and roll < 0.75):
            return path + [won]
        if roll < 0.45:
            return path
        index = min(len(opened) - 1, index + rnd.choice((1, 1, 1, 2)))


def generated(count: int, pipeline_id, stages: list[dict], seed: int = 17):
    """Chunks of (deal rows, log rows) as typed values (the bulk writers adapt them per engine)."""
    rnd = random.Random(seed)
    opened = [s for s in stages if s["outcome"] == "open"]
    won = next(s for s in stages if s["outcome"] == "won")
    lost = next(s for s in stages if s["outcome"] == "lost")
    owners = owner_ids()
    deals, log = [], []
    for i in range(count):
        created = START + timedelta(seconds=rnd.uniform(0, DAYS * 86400))
        path = history(rnd, opened, won, lost)
        final = path[-1]
        at = created
        deal_id = uuid.uuid4()
        for stage in path:
            log.append((uuid.uuid4(), deal_id, pipeline_id, stage["id"], at))
            at += timedelta(hours=rnd.uniform(1, 300))
        status = final["outcome"]
        deals.append((deal_id, created, created, 1, rnd.choice(owners), "", "{}", f"Deal {i}", pipeline_id, final["id"],
                      final["probability"], Decimal(rnd.randint(100, 10_000_000)) / 100, "RUB" if rnd.random() < 0.9 else "USD",
                      (created + timedelta(days=rnd.randint(10, 200))).date(), at if status != "open" else None, status,
                      "", "", "", ""))
        if len(deals) >= CHUNK:
            yield deals, log
            deals, log = [], []
    if deals:
        yield deals, log


async def ensure_deals(ctx, wanted: int) -> tuple[uuid.UUID, int]:
    """A pipeline with ``wanted`` deals: the generated data's busiest one when it has them, else this bar's own."""
    from bench.data.write import open_writer

    busiest = await busiest_pipeline()
    if busiest and busiest[1] >= wanted:
        return busiest
    found = await bench_pipeline() or await make_pipeline()
    pipeline_id, stages = found
    have = await deal_count(pipeline_id)
    if have >= wanted:
        return pipeline_id, have
    writer = await open_writer(ctx.database_url, "sales_deal")
    for deals, log in generated(wanted - have, pipeline_id, stages, seed=17 + have):
        await writer.write_rows("sales_deal", DEAL_COLUMNS, deals)
        await writer.write_rows("sales_deal_stage_log", LOG_COLUMNS, log)
    await writer.finish("sales_deal_stage_log")
    return pipeline_id, await deal_count(pipeline_id)


# -- the raw aggregates -------------------------------------------------------------


def raw_queries(kind: str, pipeline_id, stages: list[dict], start, end, owners: list | None) -> list[QueryString]:
    """The cohort, the closed deals and the forecast, by hand: what the funnel's SQL comes to."""
    opened = [s for s in stages if s["outcome"] == "open"]
    ranks = [(s["id"], i + 1) for i, s in enumerate(opened)] + [(s["id"], len(opened) + 1) for s in stages if s["outcome"] == "won"]

    def case(column: str) -> QueryString:
        return QueryString(f"CASE {column} " + " ".join(f"WHEN {{}} THEN {r}" for _, r in ranks) + " ELSE 0 END",
                           *[i for i, _ in ranks])

    scope, scope_args = "", []
    if owners is not None:
        scope, scope_args = f' AND d."owner_id" IN ({", ".join("{}" for _ in owners)})', list(owners)
    greatest = "max" if kind == "sqlite" else "GREATEST"

    def levels(where: str, *args) -> QueryString:
        return QueryString(
            'SELECT owner, status, level, count(*) AS n FROM (SELECT d."owner_id" AS owner, d."status" AS status, '
            f'{greatest}(COALESCE(max({{}}), 0), {{}}) AS level FROM "sales_deal" AS d '
            'LEFT JOIN "sales_deal_stage_log" AS l ON l."deal" = d."id" '
            f'WHERE d."deleted_at" IS NULL AND d."pipeline" = {{}} AND {where}{scope} '
            'GROUP BY d."id", d."owner_id", d."status", d."stage") AS per_deal GROUP BY owner, status, level',
            case('l."stage"'), case('d."stage"'), pipeline_id, *args, *scope_args)

    cohort = levels('d."created_at" >= {} AND d."created_at" < {}', start, end)
    closed = levels('d."closed_at" >= {} AND d."closed_at" < {} AND d."status" IN ({}, {})', start, end, "won", "lost")
    if kind == "sqlite":
        month, cents = "strftime('%Y-%m-01', d.\"expected_close\")", 'CAST(round(CAST(d."amount" AS REAL) * 100) AS INTEGER)'
    else:
        month, cents = "(date_trunc('month', d.\"expected_close\"::timestamp))::date", '(d."amount" * 100)'
    forecast = QueryString(
        f'SELECT {month} AS month, d."currency" AS currency, count(*) AS n, sum({cents}) AS amount, '
        f'sum({cents} * d."probability") AS weighted FROM "sales_deal" AS d WHERE d."deleted_at" IS NULL '
        f'AND d."pipeline" = {{}} AND d."status" = {{}}{scope} GROUP BY 1, 2', pipeline_id, "open", *scope_args)
    return [cohort, closed, forecast]


def manager_principal(owners: list[uuid.UUID]):
    """A sales manager whose report scope on deals is their team (the first owners)."""
    from core.permissions.principal import Principal

    grants = {"sales.deal.read": "team", "sales.deal.report": "team", "sales.stage.read": "all",
              "sales.pipeline.read": "all"}
    return Principal(user_id=owners[0], grants=grants, team_member_ids=frozenset(owners[:TEAM]), via="system")


async def admin_principal():
    from core.auth.principals import principal_for_user
    from core.auth.tables import User

    from bench.context import BENCH_ADMIN

    admin = await User.select(User.id).where(User.email == BENCH_ADMIN[0]).first()
    return await principal_for_user(admin["id"], via="system")


async def funnel_rows(ctx) -> list[Result]:
    from core.app import create_app
    from core.db.engine import engine_kind, get_engine
    from core.i18n.timezones import day_bounds
    from plugins.sales.funnel.report import Period, funnel_report

    settings = ctx.settings("corp")
    kernel = create_app(settings).state.kernel
    wanted = int(os.environ.get("BENCH_FUNNEL_DEALS") or ctx.rows or DEFAULT_DEALS)
    pipeline_id, count = await ensure_deals(ctx, wanted)
    engine = get_engine(settings)
    kind = engine_kind(engine)
    from plugins.sales.tables import Stage

    stages = await Stage.select().where(Stage.pipeline == pipeline_id).order_by(Stage.position).order_by(Stage.id)
    period = Period(*await newest_year(pipeline_id))
    start, end = day_bounds(period.first, period.last, "UTC")
    owners = await measured_owners(pipeline_id)
    out = []
    for label, principal, scoped in (("administrator (every deal)", await admin_principal(), None),
                                     (f"sales manager (team scope, {TEAM} of {len(owners)} owners)", manager_principal(owners), owners[:TEAM])):
        raw = raw_queries(kind, pipeline_id, stages, start, end, scoped)

        async def ours() -> float:
            began = time.perf_counter()
            await funnel_report(kernel, principal, pipeline_id, period)
            return time.perf_counter() - began

        async def base() -> float:
            began = time.perf_counter()
            for query in raw:
                await engine.run_querystring(query)
            return time.perf_counter() - began

        await same_counts(kernel, principal, pipeline_id, period, engine, raw)
        pair = await interleaved_async(ours, base, min(ctx.repeat, 5), ctx.warmup)
        note = (f"{count:,} deals, {ctx.engine}; {label}; cohort of {period.first}…{period.last}, reverse funnel, forecast; "
                f"ours: funnel_report (gate, three aggregates, figures); raw: the three aggregates by hand")
        out.append(measured(f"sales funnel vs raw SQL aggregates: {label}", pair, "ms", scale=MS,
                            met=pair.ratio <= RATIO, note=note))
    return out


async def same_counts(kernel, principal, pipeline_id, period, engine, raw) -> None:
    """Ours and the raw cohort aggregate count the same deals (else the comparison means nothing)."""
    from plugins.sales.funnel.report import funnel_report

    report = await funnel_report(kernel, principal, pipeline_id, period)
    theirs = sum(int(r["n"]) for r in await engine.run_querystring(raw[0]))
    if report.team.cohort != theirs or theirs == 0:
        raise AssertionError(f"the funnel counts {report.team.cohort} deals, the raw aggregate {theirs}")


@register("P5", "p5-funnel", "Sales funnel over 1M deals vs its raw SQL aggregates", f"≤ {RATIO}× raw SQL")
def funnel_bar(ctx):
    return asyncio.run(funnel_rows(ctx))

"""The funnel, the deviation, the forecast and the reverse funnel equal a hand-written SQL
computation over a generated history, for several managers and periods, on both engines; and
each viewer counts only the deals their report scope on deals reaches."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from piccolo.querystring import QueryString

from core.auth.principals import principal_for_user
from core.db.engine import get_engine
from core.i18n.timezones import day_bounds
from plugins.sales.funnel.report import Period, funnel_report
from plugins.sales.tests.funnel_history import generate

PERIODS = (Period(date(2025, 1, 1), date(2026, 3, 31)), Period(date(2025, 4, 1), date(2025, 6, 30)),
           Period(date(2025, 11, 1), date(2025, 11, 30)))
CENT, TENTH = Decimal("0.01"), Decimal("0.1")

# Has deal d reached stage s (an open stage)? It stood on s, on a later open stage, or on a won stage —
# by a history row or by the stage it stands on now. Written out, not shared with the code under test.
REACHED = """(EXISTS (SELECT 1 FROM sales_deal_stage_log l JOIN sales_stage t ON t.id = l.stage
                      WHERE l.deal = d.id AND t.pipeline = s.pipeline
                        AND (t.outcome = 'won' OR (t.outcome = 'open' AND t.position >= s.position)))
            OR EXISTS (SELECT 1 FROM sales_stage c WHERE c.id = d.stage AND c.pipeline = s.pipeline
                        AND (c.outcome = 'won' OR (c.outcome = 'open' AND c.position >= s.position))))"""
REACHED_WON = """(EXISTS (SELECT 1 FROM sales_deal_stage_log l JOIN sales_stage t ON t.id = l.stage
                          WHERE l.deal = d.id AND t.pipeline = d.pipeline AND t.outcome = 'won')
                OR EXISTS (SELECT 1 FROM sales_stage c WHERE c.id = d.stage AND c.outcome = 'won'))"""


@pytest.fixture
async def world(app_factory, make_user):
    """Two teams of two managers and a head of sales over both (one department)."""
    import uuid

    tag = uuid.uuid4().hex[:6]
    dept = f"Funnel {tag}"
    north = [await make_user(roles=["sales_manager"], team=f"North {tag}", department=dept, name=f"North {i} {tag}")
             for i in range(2)]
    south = [await make_user(roles=["sales_manager"], team=f"South {tag}", department=dept, name=f"South {i} {tag}")
             for i in range(2)]
    head = await make_user(roles=["head_of_sales"], department=dept, name=f"Head {tag}")
    owners = [u.id for u in north + south]
    history = await generate(seed=17, owners=owners)
    app = app_factory(jobs_in_process=False)
    return app.state.kernel, history, north, south, head


async def rows(sql: str, *args) -> list[dict]:
    return await get_engine().run_querystring(QueryString(sql, *args))


def ids_in(values) -> tuple[str, list]:
    values = list(values)
    return ", ".join("{}" for _ in values), values


async def hand_funnel(pipeline, owners, start, end) -> dict:
    """{owner: {"cohort": n, stage id: reached}} by hand; the won stage under "won"."""
    marks, owner_args = ids_in(owners)
    cohort_where = (f'd.pipeline = {{}} AND d.deleted_at IS NULL AND d.created_at >= {{}} AND d.created_at < {{}} '
                    f'AND d.owner_id IN ({marks})')
    out: dict = defaultdict(lambda: defaultdict(int))
    for r in await rows(f"SELECT d.owner_id AS o, count(*) AS n FROM sales_deal d WHERE {cohort_where} GROUP BY d.owner_id",
                        pipeline, start, end, *owner_args):
        out[str(r["o"])]["cohort"] = int(r["n"])
    for r in await rows(f"SELECT d.owner_id AS o, s.id AS s, count(*) AS n FROM sales_deal d "
                        f"JOIN sales_stage s ON s.pipeline = d.pipeline AND s.outcome = 'open' "
                        f"WHERE {cohort_where} AND {REACHED} GROUP BY d.owner_id, s.id", pipeline, start, end, *owner_args):
        out[str(r["o"])][str(r["s"])] = int(r["n"])
    for r in await rows(f"SELECT d.owner_id AS o, count(*) AS n FROM sales_deal d WHERE {cohort_where} AND {REACHED_WON} "
                        f"GROUP BY d.owner_id", pipeline, start, end, *owner_args):
        out[str(r["o"])]["won"] = int(r["n"])
    return out


async def hand_reverse(pipeline, owners, start, end) -> dict:
    """{stage id: (closed deals that reached it, of them won)} by hand."""
    marks, owner_args = ids_in(owners)
    found = await rows(
        f"SELECT s.id AS s, count(*) AS n, sum(CASE WHEN d.status = 'won' THEN 1 ELSE 0 END) AS w FROM sales_deal d "
        f"JOIN sales_stage s ON s.pipeline = d.pipeline AND s.outcome = 'open' "
        f"WHERE d.pipeline = {{}} AND d.deleted_at IS NULL AND d.status IN ('won', 'lost') AND d.closed_at >= {{}} "
        f"AND d.closed_at < {{}} AND d.owner_id IN ({marks}) AND {REACHED} GROUP BY s.id", pipeline, start, end, *owner_args)
    return {str(r["s"]): (int(r["n"]), int(r["w"])) for r in found}


async def hand_forecast(pipeline, owners) -> dict:
    """{(first day of month or None, currency): (deals, amount, expected)} from the raw open deals, in Decimal."""
    marks, owner_args = ids_in(owners)
    found = await rows(f"SELECT expected_close, currency, amount, probability FROM sales_deal WHERE pipeline = {{}} "
                       f"AND deleted_at IS NULL AND status = 'open' AND owner_id IN ({marks})", pipeline, *owner_args)
    sums: dict = defaultdict(lambda: [0, Decimal(0), Decimal(0)])
    for r in found:
        when = r["expected_close"]
        if isinstance(when, str):
            when = date.fromisoformat(when[:10])
        amount = Decimal(str(r["amount"])).quantize(CENT) if r["amount"] is not None else Decimal(0)
        entry = sums[(when.replace(day=1) if when else None, r["currency"])]
        entry[0] += 1
        entry[1] += amount
        entry[2] += amount * r["probability"] / 100
    return {k: (n, a.quantize(CENT, ROUND_HALF_UP), e.quantize(CENT, ROUND_HALF_UP)) for k, (n, a, e) in sums.items()}


def share(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) * 100 / whole).quantize(TENTH, ROUND_HALF_UP) if whole else None


async def check_viewer(kernel, history, viewer, owners) -> None:
    """Every figure the viewer's report gives equals the hand computation over ``owners``' deals."""
    principal = await principal_for_user(viewer.id)
    stages = {str(s["id"]): s for s in history.stages}
    open_ids = [str(s["id"]) for s in history.stages if s["outcome"] == "open"]
    for period in PERIODS:
        start, end = day_bounds(period.first, period.last)
        hand = await hand_funnel(history.pipeline, owners, start, end)
        hand_team = defaultdict(int)
        for counts in hand.values():
            for k, v in counts.items():
                hand_team[k] += v
        report = await funnel_report(kernel, principal, history.pipeline, period)
        assert {str(m.owner) for m in report.managers} == {o for o, c in hand.items() if c["cohort"]}
        for funnel, counts in [(report.team, hand_team)] + [(m.funnel, hand[str(m.owner)]) for m in report.managers]:
            assert funnel.cohort == counts["cohort"]
            expected = [counts[i] for i in open_ids] + [counts["won"]]
            assert [f.reached for f in funnel.stages] == expected, (period, funnel)
            for figure, stage_id in zip(funnel.stages, open_ids + ["won"]):
                norm = Decimal(35) if stage_id == "won" else Decimal(stages[stage_id]["norm"])
                assert figure.share == share(figure.reached, counts["cohort"])
                exact = Decimal(figure.reached) * 100 / counts["cohort"] - norm if counts["cohort"] else None
                assert figure.deviation == (exact.quantize(TENTH, ROUND_HALF_UP) if exact is not None else None)
                assert figure.below == (exact is not None and exact < 0)
        # The reverse funnel, for the team and for each manager.
        for manager in [None, *sorted({str(m.owner) for m in report.managers})]:
            chosen = await funnel_report(kernel, principal, history.pipeline, period, manager) if manager else report
            reverse = await hand_reverse(history.pipeline, [manager] if manager else owners, start, end)
            got = {str(f.rung.ids[0]): (f.reached, f.won, f.probability) for f in chosen.reverse}
            want = {i: (*reverse.get(i, (0, 0)), share(reverse.get(i, (0, 0))[1], reverse.get(i, (0, 0))[0])) for i in open_ids}
            assert got == want, (period, manager)
    forecast = await hand_forecast(history.pipeline, owners)
    assert {(r.month, r.currency): (r.deals, r.amount, r.expected) for r in report.forecast} == forecast


async def test_figures_equal_a_hand_written_sql_computation(world):
    kernel, history, north, south, head = world
    # The head of sales reaches the whole department, a manager their team only.
    await check_viewer(kernel, history, head, [str(u.id) for u in north + south])
    await check_viewer(kernel, history, north[0], [str(u.id) for u in north])
    await check_viewer(kernel, history, south[1], [str(u.id) for u in south])


async def test_a_manager_sees_only_what_their_report_scope_reaches(world):
    kernel, history, north, south, head = world
    period = PERIODS[0]
    mine = await funnel_report(kernel, await principal_for_user(north[1].id), history.pipeline, period)
    assert {m.owner for m in mine.managers} <= {u.id for u in north}
    # Choosing a manager of the other team shows nothing of theirs.
    other = await funnel_report(kernel, await principal_for_user(north[1].id), history.pipeline, period, str(south[0].id))
    assert other.shown.cohort == 0 and not other.forecast
    assert all(f.reached == 0 for f in other.reverse)
    everyone = await funnel_report(kernel, await principal_for_user(head.id), history.pipeline, period)
    assert everyone.team.cohort > mine.team.cohort > 0

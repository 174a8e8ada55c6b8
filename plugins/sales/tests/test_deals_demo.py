"""The demo's pipelines and year of deals: the seed's stages, a history per deal, loaded once."""

from __future__ import annotations

from piccolo.querystring import QueryString

from core.db.engine import get_engine
from plugins.sales.deals.demo import load
from plugins.sales.deals.walk import NEW_BUSINESS


async def test_demo_pipelines_and_deals_with_their_history(app_factory):
    from plugins.sales.tests.deal_helpers import client_row

    kernel = app_factory().state.kernel
    for _ in range(3):  # the demo's deals go to clients there are (the contacts demo's, on an instance)
        await client_row(kernel)
    await load(kernel)
    assert await load(kernel) == 0  # a second run adds nothing
    sql = get_engine().run_querystring
    stages = await sql(QueryString('SELECT s."name", s."outcome", s."norm" FROM "sales_stage" s JOIN "sales_pipeline" p '
                                   'ON p."id" = s."pipeline" WHERE p."name" = {} ORDER BY s."position"', "New business"))
    assert [s["name"] for s in stages] == [n for n, *_ in NEW_BUSINESS]
    deals = await sql(QueryString('SELECT d."id", d."stage", d."status", d."closed_at", d."lost_reason", s."outcome" FROM "sales_deal" d '
                                  'JOIN "sales_stage" s ON s."id" = d."stage" JOIN "sales_pipeline" p ON p."id" = d."pipeline" '
                                  'WHERE p."name" IN ({}, {})', "New business", "Upsell"))
    assert len(deals) >= 50
    assert {d["status"] for d in deals} == {"open", "won", "lost"}
    for d in deals:
        log = await sql(QueryString('SELECT "stage", "from_stage", "entered_at" FROM "sales_deal_stage_log" WHERE "deal" = {} '
                                    'ORDER BY "entered_at"', d["id"]))
        assert log[0]["from_stage"] is None and str(log[-1]["stage"]) == str(d["stage"])
        assert d["status"] == d["outcome"] and (d["closed_at"] is None) == (d["status"] == "open")
        assert bool(d["lost_reason"]) == (d["status"] == "lost")

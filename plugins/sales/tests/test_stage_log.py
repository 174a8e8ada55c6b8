"""Every stage a deal enters is logged in the deal's own transaction, whatever the write path;
status, closed date, probability and stage time follow the stage; the stage's rules hold."""

from __future__ import annotations

import pytest

from core.entities.bulk import run_bulk
from core.kanban import choose_fields, move_card
from core.permissions.errors import Invalid
from plugins.sales.deals.stage_log import history
from plugins.sales.tests.deal_helpers import client_row, deal, gate, mark, pipeline


@pytest.fixture
async def kernel(app_factory):
    return app_factory().state.kernel


async def test_creation_logs_the_first_stage_and_derives_the_fields(kernel):
    pipe, stages = await pipeline(kernel)
    row = await deal(kernel, await client_row(kernel), pipe, stages[1])
    assert row["status"] == "open" and row["probability"] == 40 and row["closed_at"] is None
    log = await history(row["id"])
    assert [(str(e["stage"]), e["from_stage"]) for e in log] == [(str(stages[1]["id"]), None)]
    assert log[0]["author_email"]


async def test_a_probability_set_by_hand_is_kept_and_an_empty_one_is_the_stages(kernel):
    pipe, stages = await pipeline(kernel)
    client = await client_row(kernel)
    assert (await deal(kernel, client, pipe, stages[0], probability=33))["probability"] == 33
    assert (await deal(kernel, client, pipe, stages[0], probability=None))["probability"] == 10


async def test_moves_by_update_board_and_bulk_edit_each_log_a_stage(kernel):
    pipe, stages = await pipeline(kernel)
    row = await deal(kernel, await client_row(kernel), pipe, stages[0])
    g = await gate(kernel, "sales.deal")
    row = await g.update(row["id"], {"stage": str(stages[1]["id"])}, row["version"])
    assert row["probability"] == 40
    group, _ = choose_fields(g, "stage")
    row = await move_card(g, group, str(row["id"]), str(stages[2]["id"]), row["version"])
    result = await run_bulk(g, "set", [str(row["id"])], "stage", str(stages[3]["id"]))
    assert result.done == 1, result.failed
    row = await g.get(row["id"])
    assert row["status"] == "won" and row["closed_at"] is not None and row["probability"] == 100
    log = await history(row["id"])
    assert [str(e["stage"]) for e in log] == [str(s["id"]) for s in stages[:4]]
    assert [e["from_stage"] and str(e["from_stage"]) for e in log][1:] == [str(s["id"]) for s in stages[:3]]
    # Reopened: open again, no closing date.
    row = await g.update(row["id"], {"stage": str(stages[1]["id"])}, row["version"])
    assert row["status"] == "open" and row["closed_at"] is None
    # A write that does not change the stage logs nothing.
    await g.update(row["id"], {"next_step": "call"}, row["version"])
    assert len(await history(row["id"])) == 5


async def test_a_form_edit_that_keeps_the_probability_takes_the_new_stages_default(kernel):
    pipe, stages = await pipeline(kernel)
    row = await deal(kernel, await client_row(kernel), pipe, stages[0])
    g = await gate(kernel, "sales.deal")
    row = await g.update(row["id"], {"stage": str(stages[2]["id"]), "probability": row["probability"]}, row["version"])
    assert row["probability"] == 80


async def test_lost_needs_a_reason_and_a_stage_of_the_deals_pipeline(kernel):
    pipe, stages = await pipeline(kernel)
    other, other_stages = await pipeline(kernel)
    client = await client_row(kernel)
    with pytest.raises(Invalid) as refused:
        await deal(kernel, client, pipe, stages[4])
    assert set(refused.value.errors) == {"lost_reason"}
    with pytest.raises(Invalid) as refused:
        await deal(kernel, client, pipe, other_stages[0])
    assert set(refused.value.errors) == {"stage"}
    row = await deal(kernel, client, pipe, stages[0])
    g = await gate(kernel, "sales.deal")
    with pytest.raises(Invalid):
        await g.update(row["id"], {"stage": str(stages[4]["id"])}, row["version"])
    assert len(await history(row["id"])) == 1  # the refused move left no trace
    row = await g.update(row["id"], {"stage": str(stages[4]["id"]), "lost_reason": "price"}, row["version"])
    assert row["status"] == "lost" and row["closed_at"] is not None


async def test_an_import_logs_the_stages_of_the_deals_it_creates_and_moves(kernel, tmp_path):
    from core.dataio.importer import create_run, run_import
    from core.entities.sql import Filter
    from core.permissions.gate import ListRequest
    from plugins.sales.tests.deal_helpers import admin

    pipe, stages = await pipeline(kernel)
    client = await client_row(kernel)
    m = mark()
    who = await admin()
    csv = tmp_path / "deals.csv"

    async def imported(stage_of):
        csv.write_text("ref,name,client,pipeline,stage\n" + "".join(
            f"{m}-{i},{m}-{i},{client['name']},{pipe['name']},{stages[stage_of(i)]['name']}\n" for i in range(4)), encoding="utf-8")
        run = await run_import(kernel, await create_run(kernel, "sales.deal", who, csv), who)
        assert run["status"] == "done" and not run["rejected"], run
        return run

    assert (await imported(lambda i: i % 2))["created"] == 4
    g = await gate(kernel, "sales.deal")
    rows = (await g.list(ListRequest(filters=[Filter("name", "startswith", m)]))).rows
    assert sorted(r["probability"] for r in rows) == [10, 10, 40, 40]
    assert [len(await history(r["id"])) for r in rows] == [1] * 4
    assert (await imported(lambda i: 2))["updated"] == 4
    rows = (await g.list(ListRequest(filters=[Filter("name", "startswith", m)]))).rows
    assert [len(await history(r["id"])) for r in rows] == [2] * 4

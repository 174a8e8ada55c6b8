"""A board grouped by a reference field: the referenced rows are the columns, in their order,
one partition (pipeline) at a time; counts and per-currency sums; moves; the list's filters."""

from __future__ import annotations

import re

import pytest

from core.entities.spec import Entity, Field, label
from plugins.sales.tests.deal_helpers import client_row, deal, mark, pipeline

BOARD = "/sales/deal/board"


@pytest.fixture
async def kernel(app_factory):
    return app_factory().state.kernel


def heads(html: str) -> list[tuple[str, int, list[str]]]:
    """(label, count, totals) per column, in page order."""
    out = []
    for head in re.findall(r'<h2 id="col-\d+" class="kanban-head">(.*?)</h2>', html, re.S):
        name = re.search(r'kanban-label">([^<]*)<', head).group(1)
        count = int(re.search(r'kanban-count"[^>]*>(\d+)<', head).group(1))
        totals = [t.strip() for t in re.findall(r'kanban-total">.*?</span>([^<]*)</span>', head, re.S)]
        out.append((name, count, totals))
    return out


async def test_columns_are_the_pipelines_stages_in_order_with_counts_and_sums_per_currency(kernel, client):
    pipe, stages = await pipeline(kernel)
    other, other_stages = await pipeline(kernel)
    who = await client_row(kernel)
    for stage, currency in ((stages[1], "RUB"), (stages[1], "USD"), (stages[2], "RUB")):
        row = await deal(kernel, who, pipe, stage, currency=currency)
        await _amount(row["id"], "100.10" if currency == "RUB" else "5.00")
    await deal(kernel, who, other, other_stages[0])
    page = await client.get(f"{BOARD}?pipeline={pipe['id']}&client={who['id']}")
    assert page.status_code == 200, page.text
    got = heads(page.text)
    assert [name for name, _, _ in got] == [s["name"] for s in stages]  # by position, only this pipeline's
    # Each currency's sum in the reader's money format (English: CLDR's "RUB100.10", "$5.00").
    assert got[1][1] == 2 and sorted(got[1][2]) == ["$5.00", "RUB100.10"]
    assert got[2][1] == 1 and got[2][2] == ["RUB100.10"]
    assert f'<option value="{pipe["id"]}" selected>' in page.text  # the pipeline chooser
    # The other pipeline's board: its own stages and deals.
    page = await client.get(f"{BOARD}?pipeline={other['id']}&client={who['id']}")
    assert [(n, c) for n, c, _ in heads(page.text)] == [(s["name"], 1 if i == 0 else 0) for i, s in enumerate(other_stages)]


async def _amount(deal_id, amount: str) -> None:
    from piccolo.querystring import QueryString

    from core.db.engine import get_engine

    await get_engine().run_querystring(QueryString('UPDATE "sales_deal" SET "amount" = {} WHERE "id" = {}',
                                                   __import__("decimal").Decimal(amount), deal_id))


async def test_a_drag_moves_the_deal_and_logs_the_stage_and_a_stage_of_another_pipeline_is_refused(kernel, client):
    from plugins.sales.deals.stage_log import history

    pipe, stages = await pipeline(kernel)
    _other, other_stages = await pipeline(kernel)
    row = await deal(kernel, await client_row(kernel), pipe, stages[0])
    form = {"id": str(row["id"]), "version": str(row["version"]), "to": str(stages[2]["id"]), "pipeline": str(pipe["id"])}
    csrf = await _csrf(client)
    moved = await client.post(f"{BOARD}/move", data={**form, "_csrf": csrf})
    assert moved.status_code == 303
    after = (await client.get(f"/api/sales/deal/{row['id']}")).json()
    assert after["stage"] == str(stages[2]["id"]) and after["probability"] == 80
    assert len(await history(row["id"])) == 2
    refused = await client.post(f"{BOARD}/move", data={**form, "version": str(after["version"]), "to": str(other_stages[1]["id"]),
                                                       "_csrf": csrf})
    assert refused.status_code == 400 and "There is no column" in refused.text
    lost = await client.post(f"{BOARD}/move", data={**form, "version": str(after["version"]), "to": str(stages[4]["id"]),
                                                    "_csrf": csrf})
    assert lost.status_code == 422 and "reason" in lost.text  # a lost stage needs a reason: said on the board


async def _csrf(client) -> str:
    page = await client.get("/sales/deal/new")
    return re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)


async def test_the_boards_filters_and_sort_are_the_lists(kernel, client):
    pipe, stages = await pipeline(kernel)
    who = await client_row(kernel)
    m = mark()
    for n in ("b", "a", "c"):
        await deal(kernel, who, pipe, stages[0], name=f"{m} {n}")
    await deal(kernel, await client_row(kernel), pipe, stages[0], name=f"{m} other client")
    page = await client.get(f"{BOARD}?pipeline={pipe['id']}&client={who['id']}&sort=name")
    cards = re.findall(rf'>({m} [a-z ]+)</a>', page.text)
    assert cards == [f"{m} a", f"{m} b", f"{m} c"]
    assert heads(page.text)[0][1] == 3
    # The move form keeps the filter and the sort, so a move re-renders the same board.
    assert f'name="client" value="{who["id"]}"' in page.text and 'name="sort" value="name"' in page.text


def test_board_field_may_name_a_reference_field_not_a_text_one():
    from plugins.sales.tables import Deal

    fields = (Field("name", "text", label("Name", "Имя")), Field("stage", "reference", label("Stage", "Этап"), reference="sales.stage"))
    Entity(key="t.ref", table=Deal, label=label("T", "T"), plural=label("T", "T"), fields=fields, list_columns=("name",),
           board_field="stage")
    with pytest.raises(ValueError, match="choice or reference"):
        Entity(key="t.ref", table=Deal, label=label("T", "T"), plural=label("T", "T"), fields=fields, list_columns=("name",),
               board_field="name")


async def test_a_row_outside_the_columns_still_shows_where_nothing_may_be_dropped(kernel, client):
    from piccolo.querystring import QueryString

    from core.db.engine import get_engine

    pipe, stages = await pipeline(kernel)
    _other, other_stages = await pipeline(kernel)
    who = await client_row(kernel)
    row = await deal(kernel, who, pipe, stages[0])
    # As data imported before the rule, or a stage moved to another pipeline later.
    await get_engine().run_querystring(QueryString('UPDATE "sales_deal" SET "stage" = {} WHERE "id" = {}', other_stages[1]["id"], row["id"]))
    page = await client.get(f"{BOARD}?pipeline={pipe['id']}&client={who['id']}")
    got = heads(page.text)
    assert got[-1][:2] == (other_stages[1]["name"], 1)
    assert f'data-value="{other_stages[1]["id"]}" data-accepts="false"' in page.text

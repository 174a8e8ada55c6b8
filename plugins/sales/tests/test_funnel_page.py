"""The funnel page, its widget and its action, and the edition switch: the funnel is absent from
Basic (routes, menu, widget, permissions) and present from Standard."""

from __future__ import annotations

import re
import uuid
from decimal import ROUND_HALF_UP, Decimal

import pytest

from core.auth.tables import User
from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD
from plugins.sales.tables import Stage
from plugins.sales.tests.funnel_history import generate

PERIOD = {"from": "2025-01-01", "to": "2026-03-31"}


@pytest.fixture
async def head(make_user):
    tag = uuid.uuid4().hex[:6]
    user = await make_user(roles=["head_of_sales"], department=f"Funnel page {tag}", name=f"Head {tag}")
    managers = [await make_user(roles=["sales_manager"], team=f"Page {tag}", department=f"Funnel page {tag}",
                                name=f"Manager {i} {tag}") for i in range(2)]
    return user, managers


@pytest.mark.parametrize("edition, present", [("basic", False), ("standard", True), ("corp", True)])
async def test_the_funnel_exists_from_standard_on(client_as, edition, present):
    await generate(seed=3, owners=[None], deals=5)  # a pipeline with stages, so the widget has something to show
    async with client_as(ADMIN_EMAIL, password=ADMIN_PASSWORD, edition=edition) as c:
        page = await c.get("/sales/funnel/")
        assert page.status_code == (200 if present else 404)
        home = (await c.get("/")).text
        assert ('href="/sales/funnel/"' in home) == present  # the menu item and the widget's link
        assert ("Open the funnel" in home) == present
        editor = (await c.get("/admin/roles/sales_manager")).text
        assert ("sales.funnel.report" in editor) == present
        action = await c.post("/sales/funnel/probabilities", data={"pipeline": str(uuid.uuid4())})
        assert action.status_code == 404


async def test_page_shows_norms_deviation_forecast_and_reverse_funnel(client_as, head):
    user, managers = head
    history = await generate(seed=5, owners=[m.id for m in managers], deals=120)
    async with client_as(user, edition="standard") as c:
        page = await c.get("/sales/funnel/", params={"pipeline": str(history.pipeline), **PERIOD})
        assert page.status_code == 200, page.text
        text = page.text
        for name in ("Assessment", "Closing", "Won"):
            assert f'<th scope="row">{name}</th>' in text
        assert "norm 95.0%" in text  # the reference norm, in the reader's language
        assert "below-norm" in text and "below the norm" in text  # highlighted, and said in words
        assert "Show as a table" in text
        for m in managers:
            assert m.name in text  # people by name, never by id
        assert "Forecast" in text and "Reverse funnel" in text
        assert "Use as the pipeline's default probabilities" in text
        # One manager's funnel.
        one = await c.get("/sales/funnel/", params={"pipeline": str(history.pipeline), "manager": str(managers[0].id), **PERIOD})
        assert one.status_code == 200
        assert re.search(r'<option value="%s" selected>' % managers[0].id, one.text)


async def test_page_in_russian_and_a_bad_period(client_as, head):
    user, managers = head
    history = await generate(seed=6, owners=[m.id for m in managers], deals=60)
    await User.update({User.language: "ru"}).where(User.id == user.id)
    async with client_as(user, edition="standard") as c:
        text = (await c.get("/sales/funnel/", params={"pipeline": str(history.pipeline), **PERIOD})).text
        assert "Воронка продаж" in text and "норматив 95,0\xa0%" in text and "п.\xa0п." in text
        bad = await c.get("/sales/funnel/", params={"pipeline": str(history.pipeline), "from": "2026-02-30", "to": "2025-01-01"})
        assert bad.status_code == 400
        assert "Введите дату" in bad.text  # said in the user's language, the typed text kept
        assert 'value="2026-02-30"' in bad.text


async def test_reverse_funnel_becomes_the_default_probabilities(client_as, head, make_user):
    user, managers = head
    history = await generate(seed=7, owners=[m.id for m in managers], deals=150)
    async with client_as(user, edition="standard") as c:
        form = {"pipeline": str(history.pipeline), **PERIOD}
        page = (await c.get("/sales/funnel/", params=form)).text
        expected = dict(re.findall(r'<tr><th scope="row">([^<]+)</th><td>[\d,]+</td><td>[\d,]+</td>\s*<td>([\d.]+)%</td>', page))
        assert expected, "the reverse funnel shows probabilities"
        done = await c.post("/sales/funnel/probabilities", data=form)
        assert done.status_code == 303
    stages = {s["name"]: s["probability"] for s in await Stage.select().where(Stage.pipeline == history.pipeline)}
    assert {name: stages[name] for name in expected} == {
        name: int(Decimal(shown).quantize(Decimal(1), ROUND_HALF_UP)) for name, shown in expected.items()}
    # A manager may read the funnel but not write stages: the action is not theirs.
    async with client_as(managers[0], edition="standard") as c:
        page = await c.get("/sales/funnel/", params={"pipeline": str(history.pipeline), **PERIOD})
        assert page.status_code == 200 and "default probabilities" not in page.text
        refused = await c.post("/sales/funnel/probabilities", data={"pipeline": str(history.pipeline), **PERIOD})
        assert refused.status_code in (403, 404)


async def test_widget_needs_the_report_permission(client_as, make_user):
    await generate(seed=8, owners=[None], deals=3)
    reader = await make_user(roles=["read_only"])
    async with client_as(reader, edition="standard") as c:
        home = (await c.get("/")).text
        assert "Open the funnel" not in home and 'href="/sales/funnel/"' not in home
        assert (await c.get("/sales/funnel/")).status_code in (403, 404)

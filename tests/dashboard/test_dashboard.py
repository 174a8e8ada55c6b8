"""The "my day" home page: widgets from the hook (gated by permission), charts with table fallbacks."""

from __future__ import annotations

import re
import types

import pytest

from core.dashboard.charts import Chart, Series
from core.hooks import hookimpl
from core.hooks.contributions import DashboardWidget
from core.testing.clients import serving
from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD


def test_chart_geometry_and_validation():
    bars = Chart("bar", "Deals", ("Jan", "Feb"), (Series("won", (2, 4)), Series("lost", (1, 0)))).bars()
    assert len(bars) == 4 and max(b["h"] for b in bars) == 112.0  # the peak fills the plot height
    assert bars[0]["h"] == 56.0 and bars[3]["h"] == 0.0
    funnel = Chart("funnel", "Pipeline", ("lead", "won"), (Series("n", (10, 5)),)).funnel()
    assert funnel[0]["w"] == 2 * funnel[1]["w"]
    line = Chart("line", "Activity", ("a", "b", "c"), (Series("n", (0, 1, 2)),)).lines()[0]
    assert line["points"].count(",") == 3
    with pytest.raises(ValueError):
        Chart("pie", "x", (), ())
    with pytest.raises(ValueError):
        Chart("bar", "x", ("a",), (Series("n", (1, 2)),))
    with pytest.raises(ValueError):
        Series("n", (-1,))
    with pytest.raises(ValueError):
        DashboardWidget("nodot", {"en": "x"}, "t.html", lambda r: {})


async def test_home_shows_core_widgets_with_accessible_charts(client):
    await client.post("/api/contacts/client", json={"name": "Dashboard Ltd"})  # a record I own and changed today
    home = await client.get("/")
    assert home.status_code == 200
    titles = re.findall(r'<h2 id="wh-\d+">([^<]*)</h2>', home.text)
    assert {"Unread notifications", "My records", "My activity", "My jobs"} <= set(titles)
    assert 'role="img"' in home.text and "<title id=" in home.text and "Show as a table" in home.text
    assert re.search(r'<th scope="row">Clients</th><td>\d+</td>', home.text)
    from datetime import datetime, timezone

    today = datetime.now(timezone.utc).strftime("%d.%m")
    changed = re.search(rf'<th scope="row">{re.escape(today)}</th><td>(\d+)</td>', home.text)
    assert changed and int(changed.group(1)) >= 1, "today's changes are counted in the activity line"


async def test_plugin_widgets_are_gated_by_permission_and_a_broken_one_does_not_break_the_page(app_factory, make_user, client_as):
    def ok(request):
        return {"chart": Chart("bar", "Plugin chart", ("x",), (Series("n", (3,)),))}

    def broken(request):
        raise RuntimeError("boom")

    @hookimpl
    def dashboard_widgets(kernel, request):
        return [DashboardWidget("sales.forecast", {"en": "Forecast"}, "core/dashboard/chart_widget.html", ok, order=0),
                DashboardWidget("sales.secret", {"en": "Secret"}, "core/dashboard/chart_widget.html", ok, permission="sales.deal.report"),
                DashboardWidget("sales.broken", {"en": "Broken"}, "core/dashboard/chart_widget.html", broken),
                DashboardWidget("sales.hidden", {"en": "Hidden when empty"}, "core/dashboard/chart_widget.html", lambda r: None)]

    plugin = types.SimpleNamespace(dashboard_widgets=dashboard_widgets)
    app = app_factory()
    app.state.kernel.pm.register(plugin, name="test-widgets")
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as c:
        # The page as shipped: the shared administrator may carry a saved arrangement (the CSRF
        # walk posts to /home/layout), which would put My day's widgets before a new one.
        assert (await c.post("/home/layout", data={"action": "reset"})).status_code == 303
        text = (await c.get("/")).text
        titles = re.findall(r'<h2 id="wh-\d+">([^<]*)</h2>', text)
        assert titles[0] == "Forecast" and "Secret" in titles and "Hidden when empty" not in titles
        assert "This widget could not be loaded." in text and "Plugin chart" in text
    user = await make_user(roles=[])
    app2 = app_factory()
    app2.state.kernel.pm.register(plugin, name="test-widgets")
    from core.testing.fixtures import USER_PASSWORD

    async with serving(app2, login=(user.email, USER_PASSWORD)) as c:
        titles = re.findall(r'<h2 id="wh-\d+">([^<]*)</h2>', (await c.get("/")).text)
        assert "Forecast" in titles and "Secret" not in titles and "My records" in titles

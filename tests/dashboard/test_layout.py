"""Each user arranges their "my day" page: hide, show, reorder, reset (core.dashboard.layout)."""

from __future__ import annotations

import re
import types

import pytest

from core.dashboard.layout import Layout, LayoutError, from_form


def widgets(*keys):
    return [types.SimpleNamespace(key=k) for k in keys]


def keys_of(rows):
    return [(w.key, shown) for w, shown in rows]


def test_arrange_puts_saved_order_first_and_new_widgets_after_in_default_order():
    layout = Layout(order=("c.three", "gone.widget", "c.one"), hidden=frozenset({"c.one"}))
    rows = layout.arrange(widgets("c.one", "c.new", "c.two", "c.three"))
    assert keys_of(rows) == [("c.three", True), ("c.one", False), ("c.new", True), ("c.two", True)]
    assert [w.key for w in layout.shown(widgets("c.one", "c.two"))] == ["c.two"]


def test_moving_swaps_neighbours_stops_at_the_ends_and_keeps_absent_keys():
    layout = Layout(order=("a.x", "gone.y"))
    assert layout.moved(["a.x", "a.z"], "a.z", -1).order == ("a.z", "a.x", "gone.y")
    assert layout.moved(["a.x", "a.z"], "a.x", -1).order == ("a.x", "a.z", "gone.y")
    assert layout.moved(["a.x", "a.z"], "a.z", +1).order == ("a.x", "a.z", "gone.y")
    with pytest.raises(LayoutError):
        layout.moved(["a.x"], "a.nope", 1)


def test_the_form_hides_what_it_listed_unticked_and_leaves_the_rest_alone():
    previous = Layout(hidden=frozenset({"gone.y", "a.x"}))
    layout = from_form(["a.x", "a.z", "a.new"], listed=["a.x", "a.z"], shown=["a.x"], previous=previous)
    # a.x ticked again: shown; a.z unticked: hidden; a.new was not on the form: untouched;
    # gone.y belongs to a disabled plugin: stays hidden for when it comes back.
    assert layout.hidden == {"a.z", "gone.y"}
    with pytest.raises(LayoutError):
        from_form(["a.x"], listed=["a.x", "evil.widget"], shown=[], previous=previous)
    with pytest.raises(LayoutError):
        from_form(["a.x"], listed=["a.x"], shown=["a.z"], previous=previous)
    with pytest.raises(LayoutError):
        from_form(["a.x"], listed=["a.x"] * 500, shown=[], previous=previous)


@pytest.mark.parametrize("raw", ["", "not json", "[1, 2]", '{"order": 5}', "null"])
def test_an_unreadable_stored_layout_is_the_default(raw):
    assert Layout.parse(raw).is_default
    assert Layout.parse(Layout(("a.b",), frozenset({"c.d"})).dumps()) == Layout(("a.b",), frozenset({"c.d"}))


def titles(html: str) -> list[str]:
    return re.findall(r'<h2 id="wh-\d+">([^<]*)</h2>', html)


def listed(html: str) -> list[str]:
    return re.findall(r'name="listed" value="([^"]+)"', html)


async def test_a_user_hides_reorders_and_resets_their_home_page(make_user, client_as):
    from core.auth.tables import User

    user = await make_user(roles=["sales_manager"])
    other = await make_user(roles=["sales_manager"])
    async with client_as(user) as c:
        page = await c.get("/home/layout")
        assert page.status_code == 200
        keys = listed(page.text)
        assert {"core.notifications", "core.jobs", "core.my_records"} <= set(keys)
        default = titles((await c.get("/")).text)
        assert "My jobs" in default and "Unread notifications" in default

        # Hide "My jobs": untick it.
        shown = [k for k in keys if k != "core.jobs"]
        saved = await c.post("/home/layout", data={"listed": keys, "shown": shown})
        assert saved.status_code == 303 and saved.headers["location"] == "/home/layout?saved=1"
        home = titles((await c.get("/")).text)
        assert "My jobs" not in home and home == [t for t in default if t != "My jobs"]
        assert 'value="core.jobs">' in (await c.get("/home/layout")).text  # still listed, unticked

        # Move "My activity" up one place: it swaps with the widget before it.
        i = default.index("My activity")
        await c.post("/home/layout", data={"listed": keys, "shown": shown, "move": "up:core.my_changes"})
        home = titles((await c.get("/")).text)
        assert home.index("My activity") == home.index(default[i - 1]) - 1

        # A key that is not on this user's page: refused in place, nothing saved.
        before = (await User.select(User.home_layout).where(User.id == user.id).first())["home_layout"]
        refused = await c.post("/home/layout", data={"listed": [*keys, "admin.secret"], "shown": keys},
                               headers={"Accept-Language": "ru"})
        assert refused.status_code == 400 and "Такого виджета нет" in refused.text
        assert (await User.select(User.home_layout).where(User.id == user.id).first())["home_layout"] == before

        # Reset: the page as shipped.
        assert (await c.post("/home/layout", data={"action": "reset"})).status_code == 303
        assert titles((await c.get("/")).text) == default
    assert (await User.select(User.home_layout).where(User.id == user.id).first())["home_layout"] == ""
    # One user's arrangement is theirs alone.
    assert (await User.select(User.home_layout).where(User.id == other.id).first())["home_layout"] == ""


async def test_the_layout_cannot_show_a_widget_the_user_may_not_see(app_factory, make_user):
    from core.dashboard.charts import Chart, Series
    from core.dashboard.layout import save_layout
    from core.hooks import hookimpl
    from core.hooks.contributions import DashboardWidget
    from core.testing.clients import serving
    from core.testing.fixtures import USER_PASSWORD

    def chart(request):
        return {"chart": Chart("bar", "Plugin chart", ("x",), (Series("n", (3,)),))}

    @hookimpl
    def dashboard_widgets(kernel, request):
        return [DashboardWidget("sales.secret", {"en": "Secret"}, "core/dashboard/chart_widget.html", chart,
                                permission="sales.deal.report")]

    user = await make_user(roles=[])
    # A stored layout naming the widget first, as shown, changes nothing: the permission decides.
    await save_layout(user.id, Layout(order=("sales.secret", "core.jobs")))
    app = app_factory()
    app.state.kernel.pm.register(types.SimpleNamespace(dashboard_widgets=dashboard_widgets), name="test-secret-widget")
    async with serving(app, login=(user.email, USER_PASSWORD)) as c:
        home = (await c.get("/")).text
        form = (await c.get("/home/layout")).text
        refused = await c.post("/home/layout", data={"listed": ["sales.secret"], "shown": ["sales.secret"]})
    assert "Secret" not in titles(home) and "sales.secret" not in form
    assert refused.status_code == 400


async def test_the_layout_form_needs_the_csrf_token_and_a_browser_session(make_user, client_as, anonymous):
    from core.auth.tables import User
    from core.auth.tokens import create_token

    user = await make_user()
    async with client_as(user) as c:
        c.headers.pop("X-CSRF-Token")
        assert (await c.post("/home/layout", data={"action": "reset", "listed": [], "shown": []})).status_code == 403
    # An API token acts for programs, not for the person at the browser: not found.
    _token, secret = await create_token(user.id, "layout")
    by_token = await anonymous.post("/home/layout", data={"listed": [], "shown": []},
                                    headers={"Authorization": f"Bearer {secret}"})
    assert by_token.status_code == 404
    assert (await User.select(User.home_layout).where(User.id == user.id).first())["home_layout"] == ""

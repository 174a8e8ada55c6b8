"""The main menu grouped by plugin (core/web/menu.py), and the view switcher of entity lists (core/web/views.py)."""

from __future__ import annotations

import re

from core.hooks.contributions import MenuItem
from core.web.menu import current_key, group_menu


def item(key, url, parent=None, order=100):
    return MenuItem(key=key, label={"en": key}, url=url, parent=parent, order=order)


def test_sub_items_go_under_their_parent_and_orphans_stay_visible():
    items = [item("home", "/", order=0), item("contacts", "/contacts/client/", order=10),
             item("clients", "/contacts/client/", "contacts", 10), item("calendar", "/contacts/calendar/", "contacts", 11),
             item("jobs", "/jobs/", "admin", 920)]  # its parent is hidden from this user
    groups = group_menu(items)
    assert [g.item.key for g in groups] == ["home", "contacts", "jobs"]
    assert [c.key for c in groups[1].children] == ["clients", "calendar"]


def test_the_current_item_is_the_longest_url_and_a_sub_item_wins_a_tie():
    items = [item("home", "/"), item("contacts", "/contacts/client/"), item("clients", "/contacts/client/", "contacts"),
             item("calendar", "/contacts/calendar/", "contacts")]
    assert current_key(items, "/contacts/client/123") == "clients"
    assert current_key(items, "/contacts/calendar") == "calendar"
    assert current_key(items, "/") == "home"
    assert current_key(items, "/elsewhere/") == ""  # Home is current on the home page only


def nav(html: str) -> str:
    return html[html.index('<div id="shell-menu"'):html.index("</nav>", html.index('<div id="shell-menu"'))]


async def test_the_menu_groups_contacts_pages_and_contacts_opens_the_client_list(client):
    menu = nav((await client.get("/")).text)
    assert re.search(r'<li class="menu-group"><a href="/contacts/client/">Contacts</a>', menu)
    contacts = menu[menu.index(">Contacts<"):]
    contacts = contacts[:contacts.index('<li class="menu-group">')]
    for url, label in (("/contacts/client/", "Clients"), ("/contacts/contact/", "Contact persons"), ("/contacts/calendar/", "Calendar"),
                       ("/contacts/tasks/", "Tasks"), ("/contacts/events/", "Significant dates"), ("/contacts/map/", "Map"),
                       ("/contacts/duplicates/", "Duplicates")):
        assert f'<a href="{url}">{label}</a>' in contacts
    admin = menu[menu.index(">Administration<"):]
    assert '<a href="/jobs/">Background jobs</a>' in admin and '<a href="/admin/fields">Custom fields</a>' in admin
    # The client list marks its sub-item current, once.
    listed = nav((await client.get("/contacts/client/")).text)
    assert listed.count('aria-current="page"') == 1
    assert '<a href="/contacts/client/" aria-current="page">Clients</a>' in listed


async def test_russian_names_tasks_and_background_jobs_apart(client):
    # The browser's language, not a saved choice: the shared administrator keeps none
    # (saving "en" back afterwards still left a choice that other tests do not expect).
    html = (await client.get("/", headers={"Accept-Language": "ru"})).text
    menu = nav(html)
    assert '<a href="/contacts/tasks/">Задачи</a>' in menu
    assert '<a href="/jobs/">Фоновые задания</a>' in menu
    assert "Поручения" not in html


async def test_the_client_list_offers_its_views_and_marks_the_list(client):
    html = (await client.get("/contacts/client/")).text
    switcher = html[html.index('class="view-switcher"'):]
    switcher = switcher[:switcher.index("</nav>")]
    assert re.findall(r'<a href="([^"]+)"', switcher) == ["/contacts/client/", "/contacts/client/board", "/contacts/map/"]
    assert '<a href="/contacts/client/" aria-current="page">List</a>' in switcher
    board = (await client.get("/contacts/client/board")).text
    assert '<a href="/contacts/client/board" aria-current="page">Board</a>' in board
    calendar = (await client.get("/contacts/calendar/")).text
    assert '<a href="/contacts/calendar/" aria-current="page">Calendar</a>' in calendar


async def test_page_hooks_whose_answer_cannot_change_are_called_once_per_app_and_still_filtered_per_user(app_factory, make_user):
    """menu_items, dashboard_widgets and entity_views depend on the enabled plugins only:
    core asks once per app and filters the kept answers by each user's permissions."""
    import types

    from core.dashboard.charts import Chart, Series
    from core.hooks import hookimpl
    from core.hooks.contributions import DashboardWidget, EntityView
    from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD, USER_PASSWORD, serving

    calls = {"menu_items": 0, "dashboard_widgets": 0, "entity_views": 0}

    @hookimpl
    def menu_items(kernel, request):
        calls["menu_items"] += 1
        return [MenuItem(key="kept", label={"en": "Kept entry"}, url="/kept/", order=95, permission="core.user.read")]

    @hookimpl
    def dashboard_widgets(kernel, request):
        calls["dashboard_widgets"] += 1
        return [DashboardWidget("kept.chart", {"en": "Kept widget"}, "core/dashboard/chart_widget.html",
                                lambda r: {"chart": Chart("bar", "Kept chart", ("x",), (Series("n", (1,)),))},
                                permission="core.user.read")]

    @hookimpl
    def entity_views(kernel, entity):
        calls["entity_views"] += 1
        return [EntityView("kept", {"en": "Kept view"}, "/kept/", order=50, permission="core.user.read")]

    app = app_factory()
    app.state.kernel.pm.register(types.SimpleNamespace(menu_items=menu_items, dashboard_widgets=dashboard_widgets,
                                                       entity_views=entity_views), name="test-kept")
    plain = await make_user(roles=["read_only"])
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as admin, serving(app, login=(plain.email, USER_PASSWORD)) as user:
        for _ in range(2):
            home = (await admin.get("/")).text
            assert "Kept entry" in home and "Kept widget" in home
            assert "Kept view" in (await admin.get("/contacts/client/")).text
            home = (await user.get("/")).text  # no core.user.read: the same kept answers, filtered
            assert "Kept entry" not in home and "Kept widget" not in home
            assert "Kept view" not in (await user.get("/contacts/client/")).text
    assert calls == {"menu_items": 1, "dashboard_widgets": 1, "entity_views": 1}

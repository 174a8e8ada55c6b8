"""The calendar's time grids in Chromium (EventCalendar from npm): drag and resize in the week
grid move the interaction in the database on the user's clock (the browser is in another
zone), a stale drag is put back with a message, a click on the hours opens the new-interaction
form with the time filled in, the team view shows a colleague's meeting, the month is one
screen tall, and axe passes in light and dark."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import Api, axe_violations, csrf_token, describe, marker, use_axe

INTERACTIONS = "/contacts/interaction"
TUESDAY = "2031-06-03"  # in the week of Monday 2 June 2031


@pytest.fixture
def far_context(new_context, admin_state):
    """The administrator in a browser whose own clock is New York's: the grid must still show
    and send the user's clock (the server's), never the browser's."""
    context = new_context(storage_state=admin_state, timezone_id="America/New_York")
    use_axe(context)
    return context


def grid_event(page, text):
    return page.locator("#calendar-grid .ec-event", has_text=text)


def body_column(page, day: str):
    return page.locator(f"#calendar-grid .ec-body .ec-day.ec-{day}")


def slot_height(page) -> float:
    return float(page.locator("#calendar-grid .ec-main").evaluate("e => parseFloat(getComputedStyle(e).getPropertyValue('--ec-slot-height'))"))


def drag_by(page, handle, dx: float, dy: float) -> None:
    """Press on ``handle``, move in small steps as a person does, release (EventCalendar follows pointer moves)."""
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + min(box["height"] / 2, 8)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 5, y + 5, steps=3)
    page.mouse.move(x + dx, y + dy, steps=15)
    page.mouse.up()


def test_drag_and_resize_in_the_week_grid_move_the_interaction_on_the_users_clock(far_context):
    page, m = far_context.new_page(), marker()
    api = Api(page)
    made = api.create(INTERACTIONS, subject=f"{m} movable", starts_at=f"{TUESDAY}T09:00:00Z", duration_minutes=60)
    page.goto(f"/contacts/calendar/?view=week&date={TUESDAY}")
    event = grid_event(page, m)
    expect(event).to_contain_text(re.compile(r"\b9:00\D+10:00"))  # the user's clock (UTC here), not New York's 5:00
    expect(page.locator("#calendar-agenda")).to_be_hidden()  # the list is the fallback, the grid is shown
    hour = 2 * slot_height(page)
    tuesday, thursday = body_column(page, "tue").bounding_box(), body_column(page, "thu").bounding_box()
    with page.expect_response(lambda r: r.url.endswith("/contacts/calendar/move")) as answer:
        drag_by(page, event, thursday["x"] - tuesday["x"], 2 * hour)
    assert answer.value.status == 200, answer.value.text()
    stored = api.get(INTERACTIONS, made["id"]).json()
    assert stored["starts_at"].startswith("2031-06-05T11:00") and stored["duration_minutes"] == 60
    expect(page.locator("#calendar-status")).to_have_text("Moved.")
    # Resize: the bottom edge one hour down makes it two hours long.
    event.hover()
    with page.expect_response(lambda r: r.url.endswith("/contacts/calendar/move")) as answer:
        drag_by(page, event.locator(".ec-resizer"), 0, hour)
    assert answer.value.status == 200, answer.value.text()
    stored = api.get(INTERACTIONS, made["id"]).json()
    assert stored["starts_at"].startswith("2031-06-05T11:00") and stored["duration_minutes"] == 120
    # Someone else changes it: the next drag is refused, put back, and the reason is said.
    api.update(INTERACTIONS, stored, subject=f"{m} movable (renamed elsewhere)")
    before = event.bounding_box()
    with page.expect_response(lambda r: r.url.endswith("/contacts/calendar/move")) as answer:
        drag_by(page, event, 0, hour)
    assert answer.value.status == 409
    expect(page.locator("#calendar-status")).to_contain_text("changed this entry meanwhile")
    expect(event).to_have_js_property("offsetTop", int(event.evaluate("e => e.offsetTop")))
    assert abs(event.bounding_box()["y"] - before["y"]) < 2  # back where it was
    assert api.get(INTERACTIONS, made["id"]).json()["starts_at"].startswith("2031-06-05T11:00")


def test_a_click_on_the_hours_opens_the_new_interaction_form_with_the_time(far_context):
    page = far_context.new_page()
    page.goto(f"/contacts/calendar/?view=week&date={TUESDAY}")
    expect(page.locator("#calendar-grid .ec-body")).to_be_visible()
    wednesday = body_column(page, "wed").bounding_box()
    hour = 2 * slot_height(page)
    # 14:00 lies 14 hours below midnight; the body scrolls, so measure from 08:00's row (scrollTime).
    top = page.locator("#calendar-grid .ec-body").bounding_box()["y"]
    scrolled = page.locator("#calendar-grid .ec-body").evaluate("e => e.scrollTop")
    y = top - scrolled + 14 * hour + hour / 4
    with page.expect_navigation():
        page.mouse.click(wednesday["x"] + wednesday["width"] / 2, y)
    assert re.search(r"/contacts/interaction/new\?starts_at=2031-06-04T14%3A00", page.url), page.url
    expect(page.get_by_label(re.compile(r"^Time"))).to_have_value("2031-06-04T14:00")


def test_the_team_view_shows_a_colleagues_meeting(admin_context):
    use_axe(admin_context)
    page, m = admin_context.new_page(), marker()
    api = Api(page)
    token = csrf_token(page)
    email = f"{m}@klientela-tests.example"
    assert page.request.post("/admin/users", form={"email": email, "name": f"Colleague {m}", "password": f"temp-{m}",
                                                     "roles": "sales_manager", "_csrf": token}).ok
    assert page.request.post("/admin/teams", form={"name": f"Team {m}", "_csrf": token}).ok
    teams = page.request.get("/admin/teams").text()
    team_id = re.search(rf"<h2>Team {m}</h2>.*?/admin/teams/([0-9a-f-]{{36}})/members\"", teams, re.S).group(1)
    colleague = re.search(rf'<option value="([0-9a-f-]{{36}})">{re.escape(email)}</option>', teams).group(1)
    admin = re.search(r'<option value="([0-9a-f-]{36})">admin@', teams).group(1)
    for user in (colleague, admin):
        assert page.request.post(f"/admin/teams/{team_id}/members", form={"user": user, "_csrf": token}).ok
    api.create(INTERACTIONS, subject=f"{m} colleague's meeting", kind="meeting", owner_id=colleague,
               starts_at=f"{TUESDAY}T10:00:00Z")
    page.goto(f"/contacts/calendar/?date={TUESDAY}")
    page.get_by_role("link", name=f"Team: Team {m}").click()
    expect(page.locator("#calendar-grid .ec-resource")).to_be_visible()
    expect(page.locator("#calendar-grid .ec-header")).to_contain_text(f"Colleague {m}")  # a column per member
    expect(grid_event(page, f"{m} colleague's meeting")).to_be_visible()
    found = axe_violations(page)
    assert found == [], "team view:\n" + describe(found)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_month_is_one_screen_and_the_grids_pass_axe(far_context, scheme):
    page, m = far_context.new_page(), marker()
    page.emulate_media(color_scheme=scheme)
    api = Api(page)
    month = {"light": "2032-02", "dark": "2032-03"}[scheme]  # a month of its own: no other test's events crowd a day
    for day in range(1, 29):
        api.create(INTERACTIONS, subject=f"{m} call {day}", starts_at=f"{month}-{day:02d}T09:00:00Z")
    for view in ("month", "week", "day"):
        page.goto(f"/contacts/calendar/?view={view}&date={month}-10")
        expect(grid_event(page, f"{m} call 10")).to_be_visible()
        if view == "month":
            height = page.evaluate("document.documentElement.scrollHeight")
            assert height < 1400, height  # was 6,800 px: a list of 42 days
        found = axe_violations(page)
        assert found == [], f"{view}, {scheme}:\n" + describe(found)
    page.goto(f"/contacts/calendar/?view=agenda&date={month}-10")
    expect(page.locator("#calendar-agenda")).to_contain_text(f"{m} call 10")
    found = axe_violations(page)
    assert found == [], f"agenda, {scheme}:\n" + describe(found)


def test_in_russian_the_week_starts_on_monday_with_russian_names(browser, browser_context_args, admin_state):
    # The administrator chose no language, so the browser's Russian is theirs.
    context = browser.new_context(**{**browser_context_args, "locale": "ru-RU"}, storage_state=admin_state)
    page = context.new_page()
    page.goto(f"/contacts/calendar/?view=week&date={TUESDAY}")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    heads = page.locator("#calendar-grid .ec-header .ec-col-head")
    expect(heads.first).to_contain_text("пн")  # Monday first, its Russian name
    expect(heads.last).to_contain_text("вс")
    expect(page.locator("#calendar-grid .ec-title")).to_contain_text("июн")
    expect(page.locator("#calendar-grid").get_by_role("button", name="Сегодня")).to_be_visible()
    expect(page.locator("#calendar-grid").get_by_role("button", name="Месяц")).to_be_visible()
    context.close()


def test_a_phone_gets_one_day_and_no_page_wider_than_the_screen(new_context, admin_state):
    context = new_context(storage_state=admin_state, viewport={"width": 390, "height": 844})
    use_axe(context)
    page = context.new_page()
    page.goto(f"/contacts/calendar/?view=week&date={TUESDAY}")
    expect(page.locator("#calendar-grid .ec-day-view")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    found = axe_violations(page)
    assert found == [], describe(found)


def test_without_javascript_the_agenda_is_the_calendar_and_a_month_stays_one_screen(browser, browser_context_args, admin_state):
    context = browser.new_context(**browser_context_args, storage_state=admin_state, java_script_enabled=False)
    page, m = context.new_page(), marker()
    Api(page).create(INTERACTIONS, subject=f"{m} no script", starts_at="2032-04-14T09:00:00Z")
    page.goto("/contacts/calendar/?view=month&date=2032-04-14")
    expect(page.locator("#calendar-grid")).to_be_hidden()
    expect(page.locator("#calendar-agenda")).to_contain_text(f"{m} no script")
    assert page.evaluate("document.documentElement.scrollHeight") < 1600  # seven columns of whole weeks
    page.get_by_role("link", name="Later →").click()
    expect(page).to_have_url(re.compile(r"view=month&date=2032-05-01"))
    context.close()

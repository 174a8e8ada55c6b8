"""The client card and the calendar in Chromium: panels, timeline, done -> next, and dragging
an interaction to another day (native drag and drop in calendar.js, under the strict CSP)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.browser.helpers import CLIENTS, Api, axe_violations, describe, marker, use_axe


def test_client_card_shows_people_panels_and_timeline_and_done_asks_for_next(admin_context):
    use_axe(admin_context)
    page = admin_context.new_page()
    m = marker()
    api = Api(page)
    client = api.create("/contacts/client", name=f"{m} Ромашка", phone="8 495 123-45-67", stage="regular")
    api.create("/contacts/contact", full_name=f"{m} Анна", client=client["id"], position="Director")
    call = api.create("/contacts/interaction", subject=f"{m} planned call", client=client["id"], starts_at="2031-01-10T10:00:00Z")
    api.create("/contacts/interaction", subject=f"{m} past meeting", kind="meeting", status="done", client=client["id"],
               starts_at="2024-01-10T10:00:00Z", result="Went well")
    page.goto(f"{CLIENTS}/{client['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{m} Ромашка")
    expect(page.locator("#field-phone").get_by_text("+7 495 123-45-67", exact=True)).to_be_visible()
    expect(page.locator(".key-facts").get_by_role("link", name="+7 495 123-45-67")).to_have_attribute("href", "tel:+74951234567")
    expect(page.get_by_role("link", name=f"{m} Анна")).to_be_visible()
    expect(page.get_by_role("heading", name="Planned interactions")).to_be_visible()
    timeline = page.locator("ol.timeline")
    expect(timeline).to_contain_text(f"{m} past meeting")
    expect(timeline).to_contain_text("Went well")
    violations = axe_violations(page)
    assert not violations, describe(violations)
    # Open the planned call, mark it done, plan the next one.
    page.get_by_role("link", name=f"{m} planned call").first.click()
    page.get_by_label("Result", exact=True).fill("Asked for a demo")
    page.get_by_role("button", name="Done, plan the next one").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan the next interaction")
    page.get_by_label("Subject", exact=True).fill(f"{m} demo")
    page.get_by_label("Time (UTC)", exact=True).fill("2031-01-17T11:00")
    page.get_by_role("button", name="Plan").click()
    expect(page).to_have_url(re.compile(r"/contacts/interaction/[0-9a-f-]+$"))
    assert api.get("/contacts/interaction", call["id"]).json()["status"] == "done"
    page.goto(f"{CLIENTS}/{client['id']}")
    expect(page.locator("ol.timeline")).to_contain_text(f"{m} demo")


def test_drag_an_interaction_to_another_day(admin_page):
    page, m = admin_page, marker()
    api = Api(page)
    monday = date(2031, 6, 2)  # a Monday
    made = api.create("/contacts/interaction", subject=f"{m} movable", starts_at=f"{monday.isoformat()}T09:15:00Z")
    page.goto(f"/contacts/calendar/?view=agenda&date={monday.isoformat()}")  # the agenda: the list view
    item = page.locator(".calendar-item", has_text=f"{m} movable")
    target = page.locator(f'.calendar-day[data-date="{(monday + timedelta(days=3)).isoformat()}"]')
    expect(item).to_have_attribute("draggable", "true")
    with page.expect_response(lambda r: r.url.endswith("/contacts/calendar/move")) as answer:
        item.drag_to(target)
    assert answer.value.status == 200
    expect(target.locator(".calendar-item", has_text=f"{m} movable")).to_be_visible()
    stored = api.get("/contacts/interaction", made["id"]).json()
    assert stored["starts_at"].startswith("2031-06-05T09:15")
    # After a reload the item is on its new day.
    page.reload()
    expect(target.locator(".calendar-item", has_text=f"{m} movable")).to_be_visible()
    expect(page.locator(f'.calendar-day[data-date="{monday.isoformat()}"] .calendar-item', has_text=f"{m} movable")).to_have_count(0)

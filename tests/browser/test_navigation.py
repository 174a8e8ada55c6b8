"""Navigation in Chromium: the menu grouped by plugin, the view switcher, the phone layout's Menu
button (390 px: open, navigate, close, by touch and by keyboard) with list rows as cards, the
browser's time zone captured at a new user's first sign-in, and "My day" with today's task.
axe on the home page and the client list, light and dark, wide and at 390 px."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.helpers import CLIENTS, Api, axe_violations, describe, marker, use_axe

PHONE = {"width": 390, "height": 844}


def test_the_grouped_menu_opens_the_client_list_and_the_list_offers_its_views(admin_page):
    page = admin_page
    page.goto("/")
    menu = page.get_by_role("navigation", name="Main")
    menu.get_by_role("link", name="Contacts", exact=True).click()
    expect(page).to_have_url(re.compile(r"/contacts/client/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Clients")
    expect(menu.get_by_role("link", name="Clients", exact=True)).to_have_attribute("aria-current", "page")
    for name in ("Contact persons", "Calendar", "Tasks", "Significant dates", "Map", "Duplicates"):
        expect(menu.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(menu.get_by_role("link", name="Background jobs", exact=True)).to_be_visible()
    views = page.get_by_role("navigation", name="Views")
    expect(views.get_by_role("link", name="List")).to_have_attribute("aria-current", "page")
    views.get_by_role("link", name="Board").click()
    expect(page).to_have_url(re.compile(r"/contacts/client/board$"))
    expect(page.get_by_role("navigation", name="Views").get_by_role("link", name="Board")).to_have_attribute("aria-current", "page")
    page.get_by_role("navigation", name="Views").get_by_role("link", name="Map").click()
    expect(page).to_have_url(re.compile(r"/contacts/map/$"))


def test_the_phone_layout_menu_opens_navigates_and_closes(new_context, admin_state):
    context = new_context(storage_state=admin_state, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    m = marker()
    Api(page).create(CLIENTS, name=f"{m} Card Client", email="cards@example.com", phone="+7 999 123-45-67")
    page.goto("/")
    button = page.get_by_role("button", name="Menu")
    menu = page.get_by_role("navigation", name="Main")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()
    # The header no longer fills the first screen.
    header = page.locator("header.shell").bounding_box()
    assert header and header["height"] < PHONE["height"] * 0.25, header
    button.tap()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(menu).to_be_visible()
    menu.get_by_role("link", name="Clients", exact=True).tap()
    expect(page).to_have_url(re.compile(r"/contacts/client/$"))
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()  # a new page starts collapsed
    # By keyboard: Enter opens and moves focus into the menu, Escape closes and returns to the button.
    button = page.get_by_role("button", name="Menu")
    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#shell-menu a[aria-current=page]")).to_be_focused()
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    # The list's rows are cards: one per row, the name first, no column squeezed letter by letter.
    page.get_by_label("Search", exact=True).fill(m)
    link = page.get_by_role("link", name=f"{m} Card Client")
    expect(link).to_be_visible()
    card = page.locator("#entity-rows tbody tr").first
    box = card.bounding_box()
    assert box and box["width"] > PHONE["width"] * 0.8, box
    assert page.evaluate("getComputedStyle(document.querySelector('#entity-rows thead')).position") == "absolute"
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
    link.tap()
    expect(page.get_by_role("heading", level=1)).to_contain_text(m)


def choose_zone(page, zone: str) -> None:
    page.goto("/account")
    page.get_by_label("Time zone").select_option(zone)
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()


def test_a_users_zone_comes_from_the_browser_at_sign_in_when_none_is_chosen(new_context, admin_page):
    # The administrator stands in for a new user: no zone chosen yet (the instance's default),
    # then a sign-in from a browser in Vladivostok. (A new user's first page is the forced
    # password change; the capture is the same sign-in, see tests/test_zone_defaults.py.)
    choose_zone(admin_page, "")
    try:
        context = new_context(timezone_id="Asia/Vladivostok")
        page = context.new_page()
        sign_in(page)
        page.goto("/account")
        expect(page.get_by_label("Time zone")).to_have_value("Asia/Vladivostok")
        # A chosen zone is never overridden by the browser.
        choose_zone(page, "Europe/Moscow")
        other = new_context(timezone_id="America/Chicago").new_page()
        sign_in(other)
        other.goto("/account")
        expect(other.get_by_label("Time zone")).to_have_value("Europe/Moscow")
    finally:
        choose_zone(admin_page, "")  # the other tests read times on the instance's clock


def test_my_day_shows_todays_task(admin_page):
    page, m = admin_page, marker()
    me = page.request.get("/api/auth/me").json()
    deadline = datetime.now(timezone.utc) + timedelta(minutes=2)
    Api(page).create("/contacts/task", title=f"{m} Send the offer", owner_id=me["id"], deadline=deadline.isoformat())
    page.goto("/")
    agenda = page.get_by_role("region", name="My agenda")
    expect(agenda).to_be_visible()
    expect(agenda.get_by_role("link", name=f"{m} Send the offer")).to_be_visible()
    # The agenda comes first on a home page nobody arranged.
    first = page.locator("main .dashboard > section").first
    expect(first).to_have_attribute("id", "w-contacts-today")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [None, PHONE], ids=["wide", "phone"])
def test_axe_on_home_and_list(new_context, admin_state, scheme, viewport):
    extra = {"viewport": viewport, "is_mobile": True, "has_touch": True} if viewport else {}
    context = new_context(storage_state=admin_state, color_scheme=scheme, **extra)
    use_axe(context)
    page = context.new_page()
    for path in ("/", f"{CLIENTS}/"):
        page.goto(path)
        if viewport:
            page.get_by_role("button", name="Menu").click()  # the open menu is checked too
            expect(page.get_by_role("navigation", name="Main")).to_be_visible()
        found = axe_violations(page)
        assert found == [], f"axe on {path} ({scheme}, {'phone' if viewport else 'wide'}):\n{describe(found)}"

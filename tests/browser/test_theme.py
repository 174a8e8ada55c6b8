"""Light and dark mode (system preference plus a persisted toggle) and a phone-sized viewport."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import CLIENTS, Api, marker

LIGHT_BG, DARK_BG = "rgb(255, 255, 255)", "rgb(18, 20, 24)"  # --bg in themes/default/static/theme.css
PHONE = {"width": 375, "height": 667}


def background(page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


def text_colour(page) -> str:
    return page.evaluate("getComputedStyle(document.body).color")


@pytest.fixture
def themed(new_context, admin_state):
    def make(scheme: str):
        return new_context(storage_state=admin_state, color_scheme=scheme).new_page()

    return make


def test_the_system_preference_decides_until_the_user_chooses(themed):
    light, dark = themed("light"), themed("dark")
    light.goto("/")
    dark.goto("/")
    assert background(light) == LIGHT_BG and background(dark) == DARK_BG
    assert text_colour(light) != text_colour(dark)
    expect(dark.locator("#theme-toggle")).to_have_attribute("aria-pressed", "true")
    expect(light.locator("#theme-toggle")).to_have_attribute("aria-pressed", "false")


def test_the_toggle_switches_and_the_choice_persists(themed):
    page = themed("light")
    page.goto("/")
    toggle = page.get_by_role("button", name="Dark mode")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert background(page) == DARK_BG
    page.goto(f"{CLIENTS}/")  # another page, loaded fresh: the choice applies before paint
    assert background(page) == DARK_BG
    page.reload()
    assert background(page) == DARK_BG
    # Back to the system's own scheme: the choice is forgotten, the system decides again.
    page.get_by_role("button", name="Dark mode").click()
    assert background(page) == LIGHT_BG
    assert page.evaluate("localStorage.getItem('klientela-theme')") is None
    page.emulate_media(color_scheme="dark")
    assert background(page) == DARK_BG


def test_choosing_light_on_a_dark_system_sticks(themed):
    page = themed("dark")
    page.goto("/")
    page.get_by_role("button", name="Dark mode").click()
    assert background(page) == LIGHT_BG
    page.reload()
    assert background(page) == LIGHT_BG
    expect(page.get_by_role("button", name="Dark mode")).to_have_attribute("aria-pressed", "false")


def no_horizontal_page_scroll(page) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url}: the page is {width[0]}px wide in a {width[1]}px viewport"


def test_phone_viewport_menu_and_list_stay_usable(new_context, admin_state):
    context = new_context(storage_state=admin_state, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    m = marker()
    api = Api(page)
    row = api.create(CLIENTS, name=f"{m} Phone Client With A Rather Long Name", email="someone.with.a.long.address@example.com",
                     phone="+7 999 123-45-67")
    for path in ("/", f"{CLIENTS}/?q={m}", f"{CLIENTS}/{row['id']}", f"{CLIENTS}/{row['id']}/edit", f"{CLIENTS}/new"):
        page.goto(path)
        no_horizontal_page_scroll(page)
    # The menu opens from its button, is on screen and works by touch.
    page.goto("/")
    page.get_by_role("button", name="Menu").tap()
    contacts = page.get_by_role("navigation", name="Main").get_by_role("link", name="Contacts", exact=True)
    box = contacts.bounding_box()
    assert box and 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"]
    contacts.tap()
    page.wait_for_url("**/contacts/client/")
    # The list: search works, the row's link is reachable, the table scrolls inside its own region.
    page.goto(f"{CLIENTS}/")
    page.get_by_label("Search", exact=True).fill(m)
    link = page.get_by_role("link", name=f"{m} Phone Client With A Rather Long Name")
    expect(link).to_be_visible()
    no_horizontal_page_scroll(page)
    link.tap()
    expect(page.get_by_role("heading", level=1)).to_contain_text(m)
    no_horizontal_page_scroll(page)

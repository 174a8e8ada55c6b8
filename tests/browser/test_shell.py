"""The shell in Chromium: menu, global search as you type, the command palette, shortcuts,
a notification arriving live with the counter, and axe on the home page and the search results."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from playwright.sync_api import expect

from core.testing.fixtures import ADMIN_EMAIL
from tests.browser.helpers import CLIENTS, Api, axe_violations, describe, marker, shell_ready, use_axe


def test_menu_and_go_home_shortcut(admin_page):
    page = admin_page
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My day")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Contacts", exact=True).click()
    expect(page).to_have_url(re.compile(r"/contacts/client/$"))
    shell_ready(page)
    page.get_by_role("heading", level=1).click()  # off any input: the list has a search box and filters
    page.keyboard.press("g")
    page.keyboard.press("h")
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))
    shell_ready(page)
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_hidden()


def test_global_search_as_you_type_with_the_keyboard(admin_page):
    page, m = admin_page, marker()
    row = Api(page).create(CLIENTS, name=f"{m} Searchable Ltd")
    page.goto("/")
    page.keyboard.press("/")  # focuses the search box
    expect(page.locator("#global-q")).to_be_focused()
    with page.expect_response(lambda r: "/search/suggest" in r.url and m in r.url):
        page.keyboard.type(m, delay=10)
    results = page.locator("#global-results")
    expect(results.get_by_text("Clients")).to_be_visible()
    expect(results.get_by_role("link", name=re.compile(f"{m} Searchable Ltd"))).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(results.get_by_role("link", name=re.compile(f"{m} Searchable Ltd"))).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"{CLIENTS}/{row['id']}$"))


def test_command_palette_jumps_to_records_and_actions(admin_page):
    page, m = admin_page, marker()
    row = Api(page).create(CLIENTS, name=f"{m} Palette Corp")
    page.goto("/")
    shell_ready(page)  # and the visible hint is there
    page.keyboard.press("Control+k")
    dialog = page.get_by_role("dialog", name="Go to a record or an action")
    expect(dialog).to_be_visible()
    with page.expect_response(lambda r: "/search/palette" in r.url and m in r.url):
        page.keyboard.type(m, delay=10)
    expect(dialog.get_by_role("option", name=re.compile(f"{m} Palette Corp"))).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"{CLIENTS}/{row['id']}$"))
    shell_ready(page)
    page.keyboard.press("Control+k")
    expect(dialog).to_be_visible()
    # Enter before the results for the typed text have come (the request waits
    # 150 ms for typing to stop): the palette opens the first of them when they come.
    page.keyboard.type("new client", delay=10)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"{CLIENTS}/new$"))


def test_a_notification_arrives_live_with_the_counter(admin_page):
    page, m = admin_page, marker()
    page.goto("/")
    page.evaluate("window.__samePage = true")
    with page.expect_request(lambda r: "/notifications/stream" in r.url):
        page.reload()
    page.evaluate("window.__samePage = true")
    before = page.locator("#notif-count").inner_text()
    # Sent from another process, as a plugin's job in a worker would.
    subprocess.run([sys.executable, "-m", "core.cli", "notify", ADMIN_EMAIL, f"{m} Call Acme back", "--body", "quote asked",
                    "--kind", "reminder"], check=True, env=os.environ.copy(), capture_output=True, timeout=60)
    toast = page.locator("#toasts .toast").filter(has_text=f"{m} Call Acme back")
    expect(toast).to_be_visible(timeout=15000)
    expect(page.locator("#notif-count .badge")).to_be_visible()
    after = page.locator("#notif-count .badge").inner_text()
    assert after != before and int(after.rstrip("+") or 0) >= 1
    assert page.evaluate("window.__samePage") is True  # live: no reload
    toast.get_by_role("button", name="Dismiss").click()
    expect(toast).to_be_hidden()
    page.get_by_role("link", name=re.compile("Notifications")).first.click()
    expect(page.get_by_text(f"{m} Call Acme back")).to_be_visible()
    page.get_by_role("button", name="Mark all read").click()
    expect(page.locator("#notif-count .badge")).to_have_count(0, timeout=10000)


def test_axe_on_the_home_page_and_the_search_results(admin_context):
    use_axe(admin_context)
    page = admin_context.new_page()
    m = marker()
    Api(page).create(CLIENTS, name=f"{m} Axe Ltd")
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.goto("/")
        found = axe_violations(page)
        assert found == [], f"home ({scheme}):\n{describe(found)}"
        with page.expect_response(lambda r: "/search/suggest" in r.url):
            page.locator("#global-q").fill(m)
        expect(page.locator("#global-results a").first).to_be_visible()
        found = axe_violations(page)
        assert found == [], f"search results ({scheme}):\n{describe(found)}"
        page.goto(f"/search?q={m}")
        found = axe_violations(page)
        assert found == [], f"/search ({scheme}):\n{describe(found)}"
        page.keyboard.press("Control+k")
        with page.expect_response(lambda r: "/search/palette" in r.url and m in r.url):
            page.keyboard.type(m, delay=5)
        found = axe_violations(page)
        assert found == [], f"palette ({scheme}):\n{describe(found)}"


def test_without_server_sent_events_the_counter_is_polled(new_context, admin_state):
    context = new_context(storage_state=admin_state)
    context.add_init_script("delete window.EventSource;")  # a browser or proxy without event streams
    page = context.new_page()
    streams = []
    page.on("request", lambda r: streams.append(r.url) if "/notifications/stream" in r.url else None)
    subprocess.run([sys.executable, "-m", "core.cli", "notify", ADMIN_EMAIL, f"{marker()} polled"], check=True,
                   env=os.environ.copy(), capture_output=True, timeout=60)
    with page.expect_response(lambda r: r.url.endswith("/notifications/count")):
        page.goto("/")
    expect(page.locator("#notif-count .badge")).to_be_visible()
    assert streams == []


def test_arranging_my_day_hides_and_moves_widgets(admin_page):
    page = admin_page
    page.goto("/")
    headings = page.locator(".dashboard h2")
    before = headings.all_inner_texts()
    assert "My jobs" in before and "My activity" in before
    page.get_by_role("link", name="Arrange my day").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Arrange my day")
    try:
        page.get_by_label("My jobs", exact=True).uncheck()
        # "Move up" saves the form as it stands (My jobs unticked) and moves one widget.
        page.get_by_role("button", name="Move My activity up").click()
        expect(page.locator("p.notice[role=status]")).to_have_text("Saved.")
        expect(page.get_by_label("My jobs", exact=True)).not_to_be_checked()
        page.get_by_role("link", name="Back to my day").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("My day")
        after = headings.all_inner_texts()
        assert "My jobs" not in after
        i = before.index("My activity")
        assert after.index("My activity") < after.index(before[i - 1])
    finally:
        page.goto("/home/layout")
        page.get_by_role("button", name="Reset to the default").click()
        expect(page.locator("p.notice[role=status]")).to_have_text("Saved.")
    page.goto("/")
    assert headings.all_inner_texts() == before

"""What a user does in Chromium: sign in, navigate, search as they type, filter and
sort, edit with a validation error, bulk delete, restore from the trash."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.helpers import CLIENTS, Api, marker


def names_in_rows(page) -> list[str]:
    return page.locator("#entity-rows tbody tr td:nth-child(2) a").all_inner_texts()


def test_sign_in_through_the_form_and_navigate_by_the_menu(page):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))  # anonymous: sent to the sign-in form
    page.get_by_label("Email").fill("admin@klientela-tests.example")
    page.get_by_label("Password").fill("a wrong password")
    page.get_by_role("button", name="Sign in").click()
    # Refused in place: still the form, the refusal announced or the field marked.
    expect(page.locator('main [role="alert"], main [aria-invalid="true"]').first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login"))
    sign_in(page)
    expect(page.locator(".account")).to_be_visible()
    menu = page.get_by_role("navigation", name="Main")
    menu.get_by_role("link", name="Contacts", exact=True).click()
    # The plugin's entry opens its main list; the list's own sub-item is marked current.
    expect(page).to_have_url(re.compile(r"/contacts/client/$"))
    expect(menu.get_by_role("link", name="Clients", exact=True)).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Clients")


def test_search_as_you_type_swaps_only_the_rows_and_keeps_the_query_in_the_url(admin_page):
    page, m = admin_page, marker()
    api = Api(page)
    for name in ("Alpha", "Beta", "Gamma"):
        api.create(CLIENTS, name=f"{m} {name}")
    page.goto(f"{CLIENTS}/")
    page.evaluate("window.__samePage = true")  # lost if the whole page reloads
    with page.expect_response(lambda r: f"q={m}" in r.url and r.request.headers.get("hx-request") == "true"):
        page.get_by_label("Search", exact=True).press_sequentially(m, delay=10)
    expect(page.locator("#entity-rows tbody tr")).to_have_count(3)
    assert names_in_rows(page) == [f"{m} Alpha", f"{m} Beta", f"{m} Gamma"]
    assert page.evaluate("window.__samePage") is True
    expect(page).to_have_url(re.compile(rf"[?&]q={m}"))
    page.get_by_label("Search", exact=True).fill(f"{m} gam")
    expect(page.locator("#entity-rows tbody tr")).to_have_count(1)
    assert names_in_rows(page) == [f"{m} Gamma"]


def test_filter_and_sort_live_in_the_url(admin_page):
    page, m = admin_page, marker()
    api = Api(page)
    api.create(CLIENTS, name=f"{m} Ann", kind="person")
    api.create(CLIENTS, name=f"{m} Bob", kind="person")
    api.create(CLIENTS, name=f"{m} Corp", kind="company")
    page.goto(f"{CLIENTS}/?q={m}")
    page.locator("form.list-search select[name=kind]").select_option("person")
    page.locator("form.list-search").get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"kind=person"))
    assert names_in_rows(page) == [f"{m} Ann", f"{m} Bob"]
    # Clients are ordered by name already: a click on that header turns it round, the next one back.
    page.locator("#entity-rows thead").get_by_role("link", name="Name").click()
    expect(page).to_have_url(re.compile(r"sort=-name"))
    expect(page.locator("#entity-rows tbody tr td:nth-child(2) a").first).to_have_text(f"{m} Bob")
    page.locator("#entity-rows thead").get_by_role("link", name="Name").click()
    expect(page).to_have_url(re.compile(r"sort=name"))
    expect(page.locator("#entity-rows tbody tr td:nth-child(2) a").first).to_have_text(f"{m} Ann")
    assert names_in_rows(page) == [f"{m} Ann", f"{m} Bob"]
    page.locator("#entity-rows thead").get_by_role("link", name="Name").click()
    expect(page).to_have_url(re.compile(r"sort=-name"))
    expect(page).to_have_url(re.compile(r"kind=person"))  # sorting keeps the filter
    assert names_in_rows(page) == [f"{m} Bob", f"{m} Ann"]
    page.reload()  # the URL alone restores the view
    assert names_in_rows(page) == [f"{m} Bob", f"{m} Ann"]
    expect(page.locator("form.list-search select[name=kind]")).to_have_value("person")


def test_edit_shows_the_validation_error_in_place_then_saves(admin_page):
    page, m = admin_page, marker()
    row = Api(page).create(CLIENTS, name=f"{m} Editable")
    page.goto(f"{CLIENTS}/?q={m}")
    page.get_by_role("link", name=f"{m} Editable").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{m} Editable")
    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Name").fill(f"{m} Edited")
    page.get_by_label("Email", exact=True).fill("not an email")
    page.get_by_role("button", name="Save").click()
    email = page.get_by_label("Email", exact=True)
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#e-email")).to_be_visible()
    expect(email).to_have_value("not an email")  # what was typed is kept
    expect(page.get_by_label("Name")).to_have_value(f"{m} Edited")
    email.fill("sales@edited.example")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(rf"{CLIENTS}/{row['id']}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{m} Edited")
    expect(page.locator("#field-email")).to_contain_text("sales@edited.example")
    expect(page.locator(".timeline")).to_contain_text(f"{m} Edited")


def test_bulk_delete_then_restore_from_the_trash(admin_page):
    page, m = admin_page, marker()
    api = Api(page)
    rows = [api.create(CLIENTS, name=f"{m} {n}") for n in ("One", "Two", "Three")]
    page.goto(f"{CLIENTS}/?q={m}")
    page.get_by_role("checkbox", name=f"Select {m} One").check()
    page.get_by_role("checkbox", name=f"Select {m} Two").check()
    page.get_by_label("With the selected records").select_option("delete")
    page.locator("#bulk").get_by_role("button", name="Apply").click()
    page.get_by_role("button", name="Delete").click()  # the confirmation page
    expect(page.locator("#flash")).to_contain_text("2 records moved to the trash.")
    assert names_in_rows(page) == [f"{m} Three"]  # back on the list, its search kept
    page.goto(f"{CLIENTS}/trash?q={m}")
    trashed = page.locator("#entity-rows tbody tr")
    expect(trashed).to_have_count(2)
    trashed.filter(has_text=f"{m} Two").get_by_role("button", name="Restore").click()
    page.goto(f"{CLIENTS}/?q={m}")
    assert names_in_rows(page) == [f"{m} Three", f"{m} Two"]
    assert api.get(CLIENTS, rows[0]["id"]).status == 404  # still in the trash


def test_htmx_sends_the_csrf_header_on_a_post_and_the_server_needs_it(admin_page):
    page = admin_page
    api = Api(page)
    row = api.create(CLIENTS, name=f"{marker()} Posted")
    # Without the token the POST is refused ...
    refused = page.request.post(f"{CLIENTS}/{row['id']}/delete", form={"_version": str(row["version"])})
    assert refused.status == 403
    page.goto(f"{CLIENTS}/{row['id']}")
    # ... and htmx, configured by the layout, adds it from <meta name="csrf-token"> (core/csrf.js).
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/delete")) as posted:
        page.evaluate("([url, v]) => htmx.ajax('POST', url, {values: {_version: v}, target: 'main', swap: 'none'})",
                      [f"{CLIENTS}/{row['id']}/delete", str(row["version"])])
    request = posted.value
    assert request.headers.get("x-csrf-token") == page.locator('meta[name="csrf-token"]').get_attribute("content")
    assert request.response().status in (200, 303)
    assert api.get(CLIENTS, row["id"]).status == 404  # deleted: the header was accepted


def test_htmx_runs_with_the_safe_configuration(admin_page):
    page = admin_page
    response = page.goto(f"{CLIENTS}/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    config = page.evaluate("""() => ({self: htmx.config.selfRequestsOnly, evalOk: htmx.config.allowEval,
        scripts: htmx.config.allowScriptTags, history: htmx.config.historyCacheSize,
        inlineStyles: htmx.config.includeIndicatorStyles})""")
    # includeIndicatorStyles off: htmx would otherwise add an inline <style>, a CSP violation on every page.
    assert config == {"self": True, "evalOk": False, "scripts": False, "history": 0, "inlineStyles": False}

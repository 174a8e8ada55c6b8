"""axe-core on every main page, in light and dark, and after the list's htmx swap:
0 serious or critical violations (colour contrast included, so both schemes count)."""

from __future__ import annotations

import pytest

from tests.browser.helpers import CLIENTS, Api, axe_violations, describe, marker, use_axe

SCHEMES = ["light", "dark"]


@pytest.fixture
def axe_page(admin_context):
    use_axe(admin_context)
    return admin_context.new_page()


@pytest.fixture(scope="module")
def record_id(browser, browser_context_args, admin_state) -> str:
    context = browser.new_context(**browser_context_args, storage_state=admin_state)
    page = context.new_page()
    row = Api(page).create(CLIENTS, name=f"{marker()} Accessible Ltd", kind="company", email="info@accessible.example")
    context.close()
    return row["id"]


def check(page, what: str) -> None:
    found = axe_violations(page)
    assert found == [], f"axe on {what} ({page.url}):\n{describe(found)}"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_login_page(new_context, scheme):
    context = new_context(color_scheme=scheme)
    use_axe(context)
    page = context.new_page()
    page.goto("/login")
    check(page, "the login page")
    # The page after a failed sign-in carries errors in place: check it too.
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    check(page, "the login page with an error")


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("path", ["/", "/home/layout", f"{CLIENTS}/", f"{CLIENTS}/new", f"{CLIENTS}/trash", "/admin/users"])
def test_main_pages(axe_page, scheme, path):
    axe_page.emulate_media(color_scheme=scheme)
    response = axe_page.goto(path)
    assert response.status == 200
    check(axe_page, path)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_record_page_and_edit_form_with_errors(axe_page, scheme, record_id):
    axe_page.emulate_media(color_scheme=scheme)
    axe_page.goto(f"{CLIENTS}/{record_id}")
    check(axe_page, "a record page")
    axe_page.goto(f"{CLIENTS}/{record_id}/edit")
    check(axe_page, "the edit form")
    axe_page.get_by_label("Email", exact=True).fill("not an email")
    axe_page.get_by_role("button", name="Save").click()
    axe_page.wait_for_load_state()
    assert axe_page.locator("#e-email").is_visible()
    check(axe_page, "the edit form with an error")


def test_list_after_htmx_search_swap(axe_page, record_id):
    axe_page.goto(f"{CLIENTS}/")
    with axe_page.expect_response(lambda r: "q=Accessible" in r.url):
        axe_page.get_by_label("Search", exact=True).fill("Accessible")
    axe_page.locator("#entity-rows").get_by_text("Accessible Ltd").first.wait_for()
    check(axe_page, "the list after the search swap")

"""The client list on a phone shows records on its first screen (filters and bulk form folded),
and a quick create from the list shows the new record in the rows without a reload."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.helpers import CLIENTS, Api, marker

PHONE = {"width": 390, "height": 844}


def test_on_a_phone_the_filters_fold_and_the_first_rows_are_on_the_first_screen(new_context, admin_state):
    context = new_context(storage_state=admin_state, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    m = marker()
    Api(page).create(CLIENTS, name=f"{m} Fold Client")
    page.goto(f"/contacts/client/?q={m}")
    filters = page.locator("details.list-more")
    expect(filters).not_to_have_attribute("open", "")
    expect(page.get_by_label("Search", exact=True)).to_be_visible()
    first = page.get_by_role("link", name=f"{m} Fold Client").bounding_box()
    assert first and first["y"] < PHONE["height"], first  # the record, not a form, on the first screen
    filters.locator("summary").tap()
    expect(filters).to_have_attribute("open", "")
    # A filter in use keeps them open on the next page.
    page.goto(f"/contacts/client/?q={m}&stage=potential")
    expect(page.locator("details.list-more")).to_have_attribute("open", "")
    context.close()


def test_quick_create_from_the_list_refreshes_the_rows(admin_page):
    page = admin_page
    m = marker()
    Api(page).create(CLIENTS, name=f"{m} Existing")
    page.goto(f"/contacts/client/?q={m}")
    expect(page.get_by_role("link", name=f"{m} Existing")).to_be_visible()
    page.get_by_role("button", name="Quick create").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Name").first.fill(f"{m} Quick One")
    dialog.get_by_role("button", name="Create").click()
    expect(page.locator("#entity-rows").get_by_role("link", name=f"{m} Quick One")).to_be_visible()

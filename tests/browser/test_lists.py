"""List views in Chromium: a filter and a sort that live in the URL (htmx pushes it,
back and forward restore it), chosen columns, a saved view opened again from its link;
axe-core after each swap."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import CLIENTS, Api, axe_violations, describe, marker, use_axe


def names_in_rows(page) -> list[str]:
    return page.locator("#entity-rows tbody tr td:nth-child(2) a").all_inner_texts()


def check_axe(page, what: str) -> None:
    found = axe_violations(page)
    assert found == [], f"axe on {what} ({page.url}):\n{describe(found)}"


def test_filter_columns_and_a_saved_view(admin_context):
    use_axe(admin_context)
    page, m = admin_context.new_page(), marker()
    api = Api(page)
    api.create(CLIENTS, name=f"{m} Ann", kind="person", email="ann@example.com")
    api.create(CLIENTS, name=f"{m} Bob", kind="person", email="bob@example.com")
    api.create(CLIENTS, name=f"{m} Corp", kind="company", email="corp@example.com")
    page.goto(f"{CLIENTS}/?q={m}")
    page.evaluate("window.__samePage = true")
    filters = page.locator("#list-filters")
    with page.expect_response(lambda r: "kind=person" in r.url and r.request.headers.get("hx-request") == "true"):
        filters.locator("select[name=kind]").select_option("person")
    expect(page).to_have_url(re.compile(r"kind=person"))
    expect(page.locator("#entity-rows tbody tr")).to_have_count(2)
    # The default order is by name, so the first click turns it round.
    expect(page.locator('#entity-rows th[aria-sort="ascending"]')).to_have_count(1)
    page.locator("#entity-rows thead").get_by_role("link", name="Name").click()
    expect(page).to_have_url(re.compile(r"sort=-name"))
    expect(page.locator('#entity-rows th[aria-sort="descending"]')).to_have_count(1)
    assert names_in_rows(page) == [f"{m} Bob", f"{m} Ann"]
    page.locator("#entity-rows thead").get_by_role("link", name="Name").click()
    expect(page).to_have_url(re.compile(r"sort=name(&|$)"))
    expect(page.locator('#entity-rows th[aria-sort="ascending"]')).to_have_count(1)
    assert names_in_rows(page) == [f"{m} Ann", f"{m} Bob"]
    assert page.evaluate("window.__samePage") is True  # all of it by htmx swaps
    check_axe(page, "the list after filter and sort swaps")

    # Back and forward walk the pushed states.
    page.go_back()
    expect(page).to_have_url(re.compile(r"sort=-name"))
    expect(page.locator('#entity-rows th[aria-sort="descending"]')).to_have_count(1)
    assert names_in_rows(page) == [f"{m} Bob", f"{m} Ann"]
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"sort="))
    expect(page.locator("#entity-rows tbody tr")).to_have_count(2)  # still filtered
    page.go_forward()
    expect(page).to_have_url(re.compile(r"sort=-name"))
    expect(page.locator('#entity-rows th[aria-sort="descending"]')).to_have_count(1)

    # Columns: name and email only (a plain form: the page reloads with them).
    # From a fresh load: htmx's restore of the page after go_forward may still
    # swap the rows (and the popover inside them) on a slow machine.
    page.goto(page.url)
    page.get_by_role("button", name="Columns").click()
    chooser = page.locator("#column-chooser")
    expect(chooser).to_be_visible()
    check_axe(page, "the column chooser")
    for box in chooser.locator('input[type="checkbox"]').all():
        box.set_checked(box.get_attribute("value") in ("name", "email"))
    chooser.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"columns=name"))
    expect(page.locator("#entity-rows thead th")).to_have_count(3)  # the selection box, Name, Email
    expect(page.locator("#entity-rows tbody")).to_contain_text("bob@example.com")
    expect(page).to_have_url(re.compile(r"kind=person"))  # the filter stayed

    # Save the view (shared: the administrator may share), then open it again from its link.
    page.get_by_role("button", name="Save view").click()
    page.get_by_label("Name of the view").fill(f"{m} people")
    page.get_by_label("Share with everyone").check()
    page.locator("#save-view").get_by_role("button", name="Save").click()
    views = page.get_by_role("navigation", name="Saved views")
    expect(views.get_by_role("link", name=f"{m} people")).to_have_attribute("aria-current", "page")
    check_axe(page, "the list opened from a saved view")
    views.get_by_role("link", name="All records").click()
    expect(page).to_have_url(re.compile(rf"{CLIENTS}/$"))
    page.get_by_role("navigation", name="Saved views").get_by_role("link", name=f"{m} people").click()
    expect(page.locator("#entity-rows tbody tr")).to_have_count(2)
    assert names_in_rows(page) == [f"{m} Bob", f"{m} Ann"]
    expect(page.locator("#list-filters select[name=kind]")).to_have_value("person")
    expect(page.locator("#entity-rows thead th")).to_have_count(3)


def test_paging_by_htmx_keeps_the_state_and_the_url(admin_page):
    page, m = admin_page, marker()
    api = Api(page)
    for name in ("A1", "A2", "A3"):
        api.create(CLIENTS, name=f"{m} {name}")
    page.goto(f"{CLIENTS}/?q={m}&limit=2&sort=name")
    assert names_in_rows(page) == [f"{m} A1", f"{m} A2"]
    page.get_by_role("link", name="Next page").click()
    expect(page).to_have_url(re.compile(r"cursor="))
    expect(page.locator("#entity-rows tbody tr")).to_have_count(1)
    assert names_in_rows(page) == [f"{m} A3"]
    page.get_by_role("link", name="First page").click()
    expect(page.locator("#entity-rows tbody tr")).to_have_count(2)


# Every word of every cell, and whether the browser split it over two lines.
_SPLIT_WORDS = """() => {
  const split = [];
  for (const cell of document.querySelectorAll("#entity-rows td")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (lines.size > 1) split.push(m[0]);
      }
    }
  }
  return split;
}"""


def test_on_a_wide_screen_no_word_of_a_list_is_broken_across_lines(new_context, admin_state):
    """At 1280 px, with the menu beside it, the client list's nine columns squeezed to a few
    letters each ("Acme Supplie|s 110 Ltd", "Manche|ster", "office1|10@ex|ample.com")."""
    context = new_context(storage_state=admin_state, viewport={"width": 1280, "height": 800})
    page, m = context.new_page(), marker()
    api = Api(page)
    for i in range(3):
        api.create(CLIENTS, name=f"{m} Acme Supplies {110 + i} Ltd", stage="regular", importance="low",
                   region="Manchester", phone=f"+44 20 7522 98{10 + i}",
                   email=f"office{110 + i}@example.com")
    page.goto(f"{CLIENTS}/?q={m}")
    expect(page.locator("#entity-rows tbody tr")).to_have_count(3)
    assert page.evaluate(_SPLIT_WORDS) == []
    context.close()

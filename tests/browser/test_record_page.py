"""The record page in Chromium: "Log a call" from a client's header opens the quick create with
the client filled in, and the saved call appears in the timeline without a reload; delete then
Undo; bulk delete asks first and leads back to the list with the message; axe light and dark,
wide and at 390 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import CLIENTS, Api, axe_violations, describe, marker, use_axe

PHONE = {"width": 390, "height": 844}


def check_axe(page, what: str) -> None:
    found = axe_violations(page)
    assert found == [], f"axe on {what} ({page.url}):\n{describe(found)}"


def test_log_a_call_from_the_header_lands_in_the_timeline(admin_context):
    use_axe(admin_context)
    page, m = admin_context.new_page(), marker()
    client = Api(page).create(CLIENTS, name=f"{m} Caller Ltd", phone="+7 495 500-55-50", email=f"office@{m}.example")
    page.goto(f"{CLIENTS}/{client['id']}")
    page.evaluate("window.__samePage = true")
    facts = page.locator(".key-facts")
    expect(facts.get_by_role("link", name="+7 495 500-55-50")).to_have_attribute("href", "tel:+74955005550")
    expect(facts.get_by_role("link", name=f"office@{m}.example")).to_have_attribute("href", f"mailto:office@{m}.example")
    page.get_by_role("link", name="Log a call").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator('[name="client"]')).to_have_value(client["id"])
    expect(dialog.locator('[name="kind"]')).to_have_value("call")
    check_axe(page, "the log-a-call dialog")
    dialog.get_by_label("Subject *").fill(f"{m} Called about the offer")
    dialog.get_by_role("button", name="Create").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="Created:")).to_contain_text(f"{m} Called about the offer")
    timeline = page.locator("section").filter(has=page.get_by_role("heading", name="History"))
    expect(timeline.get_by_role("link", name=re.compile(f"{m} Called about the offer"))).to_be_visible()
    interactions = page.locator("section").filter(has=page.locator("#rel-interactions"))
    expect(page.locator("#rel-interactions")).to_contain_text("1")
    assert page.evaluate("window.__samePage") is True  # reloaded in place, not a new page
    check_axe(page, "the record page after a quick create")
    # The reloaded block's own quick create still opens its dialog (the block passes no swap down).
    interactions.get_by_role("button", name="Quick create").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    dialog = page.get_by_role("dialog")
    expect(dialog.locator('[name="client"]')).to_have_value(client["id"])
    dialog.get_by_label("Subject *").fill(f"{m} Second call")
    dialog.get_by_role("button", name="Create").click()
    expect(page.get_by_role("status").filter(has_text="Created:")).to_contain_text(f"{m} Second call")
    expect(page.locator("#rel-interactions")).to_contain_text("2")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_delete_then_undo_restores_the_record(new_context, admin_state, scheme):
    context = new_context(storage_state=admin_state, color_scheme=scheme)
    use_axe(context)
    page, m = context.new_page(), marker()
    client = Api(page).create(CLIENTS, name=f"{m} Undo Ltd")
    page.goto(f"{CLIENTS}/{client['id']}")
    page.get_by_role("button", name="Delete").click()
    expect(page).to_have_url(re.compile(rf"{CLIENTS}/$"))
    status = page.locator("#flash")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_contain_text(f"Moved to the trash: {m} Undo Ltd")
    assert Api(page).get(CLIENTS, client["id"]).status == 404
    check_axe(page, f"the list with the message and its Undo ({scheme})")
    status.get_by_role("button", name="Undo").click()
    expect(page).to_have_url(re.compile(rf"{CLIENTS}/{client['id']}$"))
    expect(page.locator("#flash")).to_contain_text(f"Restored: {m} Undo Ltd")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{m} Undo Ltd")
    page.reload()
    expect(page.locator("#flash")).not_to_contain_text("Restored")  # shown once


def test_bulk_delete_asks_first_then_leads_back_to_the_list(admin_page):
    page, m = admin_page, marker()
    api = Api(page)
    for name in ("One", "Two"):
        api.create(CLIENTS, name=f"{m} {name}")
    page.goto(f"{CLIENTS}/?q={m}")
    rows = page.locator("#entity-rows")
    for name in ("One", "Two"):
        rows.get_by_label(f"Select {m} {name}").check()
    page.get_by_label("With the selected records").select_option("delete")
    page.locator("#bulk").get_by_role("button", name="Apply").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete the selected records?")
    expect(page.locator("main")).to_contain_text(f"{m} One")
    page.get_by_role("link", name="Cancel").click()  # nothing happens
    expect(page).to_have_url(re.compile(rf"{CLIENTS}/\?q={m}$"))
    expect(rows.get_by_role("link", name=f"{m} One")).to_be_visible()
    for name in ("One", "Two"):
        rows.get_by_label(f"Select {m} {name}").check()
    page.get_by_label("With the selected records").select_option("delete")
    page.locator("#bulk").get_by_role("button", name="Apply").click()
    page.get_by_role("button", name="Delete").click()
    expect(page).to_have_url(re.compile(rf"{CLIENTS}/\?q={m}$"))  # back to the list, its search kept
    expect(page.locator("#flash")).to_contain_text("2 records moved to the trash.")
    expect(rows.get_by_role("link", name=f"{m} One")).to_have_count(0)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [None, PHONE], ids=["wide", "phone"])
def test_record_page_axe_and_390px(new_context, admin_state, scheme, viewport):
    context = new_context(storage_state=admin_state, color_scheme=scheme, **({"viewport": viewport} if viewport else {}))
    use_axe(context)
    page, m = context.new_page(), marker()
    api = Api(page)
    client = api.create(CLIENTS, name=f"{m} Accessible Record Ltd", phone="+7 800 555-35-35", email=f"a@{m}.example",
                        stage="regular", importance="high", address_legal="Moscow, Tverskaya 1")
    api.create("/contacts/contact", full_name=f"{m} Person", client=client["id"])
    page.goto(f"{CLIENTS}/{client['id']}")
    if viewport:  # on a phone the header's actions are on the first screen
        expect(page.get_by_role("link", name="Log a call")).to_be_in_viewport()
    page.locator(".empty-fields summary").first.click()
    page.locator(".record-details summary").click()
    expect(page.locator(".record-details")).to_have_attribute("open", "")
    check_axe(page, f"the record page ({scheme})")
    if viewport:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

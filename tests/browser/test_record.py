"""Record pages in Chromium: inline edit (an error in place, a save, a conflict),
quick create in a modal dialog from a list and from a related list; axe-core after
each htmx swap."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import CLIENTS, CONTACTS, Api, axe_violations, describe, marker, use_axe


def check_axe(page, what: str) -> None:
    found = axe_violations(page)
    assert found == [], f"axe on {what} ({page.url}):\n{describe(found)}"


def test_inline_edit_error_in_place_then_save_then_a_conflict(admin_context):
    use_axe(admin_context)
    page, m = admin_context.new_page(), marker()
    api = Api(page)
    row = api.create(CLIENTS, name=f"{m} Inline", email="old@example.com")
    page.goto(f"{CLIENTS}/{row['id']}")
    page.evaluate("window.__samePage = true")
    email = page.locator("#field-email")
    email.get_by_role("link", name="Edit Email", exact=True).click()
    box = email.get_by_label("Email", exact=True)
    expect(box).to_be_focused()
    box.fill("not an email")
    email.get_by_role("button", name="Save").click()
    expect(email.locator("#i-e-email")).to_be_visible()  # the error next to the field, the form still there
    expect(box).to_have_attribute("aria-invalid", "true")
    check_axe(page, "the inline form with an error")
    email.get_by_label("Email", exact=True).fill("new@example.com")
    email.get_by_role("button", name="Save").click()
    expect(email.locator(".value")).to_have_text("new@example.com")
    expect(page.locator("#record-version")).to_have_value("2")  # the delete form sends the new version
    check_axe(page, "the record page after an inline save")
    assert page.evaluate("window.__samePage") is True

    # Someone else saves meanwhile: the stale save is a conflict that shows their value.
    email.get_by_role("link", name="Edit Email", exact=True).click()
    # The form must have come (with version 2) before the other save, or it is not stale.
    expect(email.get_by_label("Email", exact=True)).to_be_focused()
    api.update(CLIENTS, {"id": row["id"], "version": 2}, email="theirs@example.com")
    email.get_by_label("Email", exact=True).fill("mine@example.com")
    email.get_by_role("button", name="Save").click()
    alert = email.get_by_role("alert")
    expect(alert).to_contain_text("theirs@example.com")
    expect(email.get_by_label("Email", exact=True)).to_have_value("mine@example.com")
    check_axe(page, "the inline form with a conflict")
    email.get_by_role("button", name="Save").click()  # a knowing overwrite
    expect(email.locator(".value")).to_have_text("mine@example.com")
    assert api.get(CLIENTS, row["id"]).json()["email"] == "mine@example.com"
    # Renaming the record renames its heading too.
    name = page.locator("#field-name")
    name.get_by_role("link", name="Edit Name", exact=True).click()
    name.locator("input[name=name]").fill(f"{m} Renamed")
    name.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{m} Renamed")


def test_quick_create_from_the_list_keeps_the_dialog_open_on_errors(admin_context):
    use_axe(admin_context)
    page, m = admin_context.new_page(), marker()
    page.goto(f"{CLIENTS}/")
    page.get_by_role("button", name="Quick create").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Name *")).to_be_focused()
    dialog.get_by_label("Email").fill("nope")
    dialog.get_by_role("button", name="Create").click()
    expect(dialog.locator("#q-e-name")).to_be_visible()
    expect(dialog.locator("#q-e-email")).to_be_visible()
    expect(dialog.get_by_label("Email")).to_have_value("nope")  # what was typed stays
    check_axe(page, "the quick-create dialog with errors")
    dialog.get_by_label("Name *").fill(f"{m} Quick Ltd")
    dialog.get_by_label("Email").fill("quick@example.com")
    dialog.get_by_role("button", name="Create").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    note = page.get_by_role("status").filter(has_text="Created:")
    expect(note).to_contain_text(f"{m} Quick Ltd")
    check_axe(page, "the list after a quick create")
    note.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{m} Quick Ltd")
    # Cancel closes the dialog and leaves nothing behind.
    page.goto(f"{CLIENTS}/")
    page.get_by_role("button", name="Quick create").click()
    page.get_by_role("dialog").get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_quick_create_from_a_related_list_is_prefilled_with_the_parent(admin_page):
    page, m = admin_page, marker()
    parent = Api(page).create(CLIENTS, name=f"{m} Parent")
    page.goto(f"{CLIENTS}/{parent['id']}")
    related = page.locator("section").filter(has=page.get_by_role("heading", name="Contact persons"))
    related.get_by_role("button", name="Quick create").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator('[name="client"]')).to_have_value(parent["id"])
    dialog.locator('[name="full_name"]').fill(f"{m} Child")
    dialog.get_by_role("button", name="Create").click()
    expect(page.get_by_role("status").filter(has_text="Created:")).to_contain_text(f"{m} Child")
    page.reload()
    expect(related.get_by_role("link", name=f"{m} Child")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"{CLIENTS}/{parent['id']}$"))

"""The duplicates merge screen in Chromium: pick values per field, merge, see the result, undo;
and the create form's live duplicate warning. axe-core on each screen."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.helpers import CLIENTS, CONTACTS, Api, axe_violations, describe, marker, use_axe


def check_axe(page, what: str) -> None:
    found = axe_violations(page)
    assert found == [], f"axe on {what} ({page.url}):\n{describe(found)}"


def test_merge_screen_merges_chosen_values_and_undoes(admin_context):
    use_axe(admin_context)
    page, m = admin_context.new_page(), marker()
    api = Api(page)
    keep = api.create(CLIENTS, name=f"{m} Вектор", email=f"{m}-keep@example.com")
    gone = api.create(CLIENTS, name=f"{m} Vektor", email=f"{m}-new@example.com", industry="Retail")
    person = api.create(CONTACTS, full_name=f"{m} Contact", client=gone["id"])

    page.goto(f"/contacts/duplicates/merge?ids={keep['id']},{gone['id']}")
    expect(page.get_by_role("heading", name="Merge clients")).to_be_visible()
    check_axe(page, "the merge screen")
    page.get_by_role("row", name="Email").get_by_label(f"{m}-new@example.com").check()
    page.get_by_role("row", name="Industry").get_by_label("Retail").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Merge", exact=True).click()
    expect(page.get_by_role("button", name="Undo the merge")).to_be_visible()
    check_axe(page, "the merge result")

    survivor = api.get(CLIENTS, keep["id"]).json()
    assert (survivor["email"], survivor["industry"]) == (f"{m}-new@example.com", "Retail")
    assert api.get(CLIENTS, gone["id"]).status == 404  # in the trash
    assert api.get(CONTACTS, person["id"]).json()["client"] == keep["id"]  # the contact person followed

    with page.expect_navigation():
        page.get_by_role("button", name="Undo the merge").click()
    assert page.url.endswith(f"{CLIENTS}/{keep['id']}")
    assert api.get(CLIENTS, keep["id"]).json()["email"] == f"{m}-keep@example.com"
    assert api.get(CLIENTS, gone["id"]).status == 200
    assert api.get(CONTACTS, person["id"]).json()["client"] == gone["id"]


def test_create_form_warns_about_a_duplicate_as_you_type(admin_context):
    page, m = admin_context.new_page(), marker()
    api = Api(page)
    existing = api.create(CLIENTS, name=f"ООО «{m} Ромашка»")
    page.goto(f"{CLIENTS}/new")
    page.locator("form.entity-form [name=name]").fill(f'OOO "{m} Romashka"')
    page.locator("form.entity-form [name=name]").blur()
    warning = page.locator("#record-warnings")
    expect(warning).to_contain_text(existing["name"])
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text(existing["name"])
    page.get_by_label("Save anyway").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert "/new" not in page.url and page.url.rstrip("/") != CLIENTS

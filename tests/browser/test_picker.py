"""The record picker in Chromium: linked records and people chosen by typing a name
(keyboard and mouse), a custom reference field, the no-JavaScript fallback, names in
the client list; axe on the forms with the listbox open, light and dark."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import CLIENTS, CONTACTS, Api, axe_violations, csrf_token, describe, marker, use_axe

TASKS = "/contacts/task"
INTERACTIONS = "/contacts/interaction"
EVENTS = "/contacts/event"


def check_axe(page, what: str) -> None:
    found = axe_violations(page)
    assert found == [], f"axe on {what} ({page.url}):\n{describe(found)}"


def colleague(page, m: str) -> tuple[str, str]:
    """A user made through the users screen: (id, name)."""
    name = f"Colleague {m}"
    email = f"{m}@klientela-tests.example"
    response = page.request.post("/admin/users", form={"email": email, "name": name, "password": f"temp-{m}",
                                                       "roles": "sales_manager", "_csrf": csrf_token(page)})
    assert response.ok, response.text()[:500]
    found = page.request.get("/pick/core/user", params={"q": email}, headers={"Accept": "application/json"}).json()
    return found[0]["id"], name


def test_give_a_task_to_a_colleague_by_typing_their_name(admin_context):
    use_axe(admin_context)
    page, m = admin_context.new_page(), marker()
    page.goto("/")
    user_id, name = colleague(page, m)
    page.goto(f"{TASKS}/new")
    page.locator("#f-title").fill(f"{m} send the offer")
    responsible = page.get_by_role("combobox", name="Responsible")
    expect(responsible).to_have_value(re.compile("Administrator|admin@"))  # the creator by default
    responsible.fill(m)
    option = page.get_by_role("option", name=re.compile(name))
    expect(option).to_be_visible()
    expect(responsible).to_have_attribute("aria-expanded", "true")
    check_axe(page, "the task form with the user picker open")
    responsible.press("ArrowDown")  # the keyboard: the first (only) suggestion, then Enter
    expect(responsible).to_have_attribute("aria-activedescendant", re.compile(".+"))
    responsible.press("Enter")
    expect(responsible).to_have_value(name)
    expect(responsible).to_have_attribute("aria-expanded", "false")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf"{TASKS}/[0-9a-f-]{{36}}$"))
    task = Api(page).get(TASKS, page.url.rsplit("/", 1)[1]).json()
    assert task["owner_id"] == user_id
    expect(page.get_by_text(name).first).to_be_visible()  # the record page names them


def test_log_a_call_linked_to_a_contact_person_chosen_by_name(admin_context):
    use_axe(admin_context)
    page, m = admin_context.new_page(), marker()
    api = Api(page)
    acme = api.create(CLIENTS, name=f"{m} Acme")
    person = api.create(CONTACTS, full_name=f"{m} Irina Petrova", client=acme["id"], email=f"irina.{m}@example.com")
    api.create(CONTACTS, full_name=f"{m} Ivan Sidorov")
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.goto(f"{INTERACTIONS}/new")
        contact = page.get_by_role("combobox", name="Contact person")
        contact.fill(f"irina.{m}")  # by e-mail
        option = page.get_by_role("option", name=re.compile("Irina Petrova"))
        expect(option).to_be_visible()
        check_axe(page, f"the interaction form, contact picker open ({scheme})")
    option.click()
    expect(contact).to_have_value(f"{m} Irina Petrova")
    page.locator("#f-subject").fill(f"{m} call about the offer")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf"{INTERACTIONS}/[0-9a-f-]{{36}}$"))
    call = api.get(INTERACTIONS, page.url.rsplit("/", 1)[1]).json()
    assert call["contact"] == person["id"]
    expect(page.get_by_role("link", name=f"{m} Irina Petrova").first).to_be_visible()


@pytest.fixture
def partner_field(admin_context):
    page = admin_context.new_page()
    api = Api(page)
    name = f"p_{marker()}"
    response = page.request.post(f"/api/fields/contacts/event", data={
        "name": name, "type": "reference", "label_en": f"Partner {name}", "reference": "contacts.client"}, headers=api.headers)
    assert response.status == 201, response.text()
    yield name
    page.request.post(f"/api/fields/contacts/event/{name}/retire", headers=api.headers)
    page.request.post(f"/api/fields/contacts/event/{name}/purge", headers=api.headers)


def test_a_custom_reference_field_is_picked_by_name(admin_context, partner_field):
    page, m = admin_context.new_page(), marker()
    api = Api(page)
    partner = api.create(CLIENTS, name=f"{m} Partner Ltd")
    page.goto(f"{EVENTS}/new")
    page.locator("#f-title").fill(f"{m} anniversary")
    page.locator("#f-date").fill("2031-05-04")
    box = page.get_by_role("combobox", name=f"Partner {partner_field}")
    box.fill(f"{m} partner")
    page.get_by_role("option", name=re.compile("Partner Ltd")).click()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf"{EVENTS}/[0-9a-f-]{{36}}$"))
    event = api.get(EVENTS, page.url.rsplit("/", 1)[1]).json()
    assert event[partner_field] == partner["id"]
    expect(page.get_by_role("link", name=f"{m} Partner Ltd").first).to_be_visible()


def test_without_javascript_a_typed_name_is_resolved_or_explained(new_context, admin_state):
    context = new_context(storage_state=admin_state, java_script_enabled=False)
    page, m = context.new_page(), marker()
    page.goto("/")
    api_headers = {"X-CSRF-Token": csrf_token(page)}
    for name in (f"{m} Twin", f"{m} Twin", f"{m} Solo"):
        assert page.request.post("/api/contacts/client", data={"name": name}, headers=api_headers).status == 201
    page.goto(f"{TASKS}/new")
    page.locator("#f-title").fill(f"{m} no script")
    page.get_by_label("Client", exact=True).fill(f"{m} Twin")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(re.compile("Several records match"))).to_be_visible()
    page.get_by_label("Client", exact=True).fill(f"{m} solo")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf"{TASKS}/[0-9a-f-]{{36}}$"))
    expect(page.get_by_role("link", name=f"{m} Solo").first).to_be_visible()


def test_the_client_list_shows_the_responsible_users_name(admin_context):
    page, m = admin_context.new_page(), marker()
    page.goto("/")
    user_id, name = colleague(page, m)
    Api(page).create(CLIENTS, name=f"{m} Owned", owner_id=user_id)
    page.goto(f"{CLIENTS}/?q={m}")
    row = page.locator("#entity-rows tbody tr").filter(has_text=f"{m} Owned")
    expect(row).to_contain_text(name)
    assert user_id[:8] not in row.inner_text()


def test_create_new_from_the_picker_opens_quick_create_and_takes_the_new_record(admin_context):
    use_axe(admin_context)
    page, m = admin_context.new_page(), marker()
    page.goto(f"{TASKS}/new")
    page.locator("#f-title").fill(f"{m} first contact")
    box = page.get_by_role("combobox", name="Client")
    box.fill(f"{m} Brand New")
    create = page.get_by_role("option", name=re.compile("Create"))
    expect(create).to_be_visible()
    box.press("ArrowUp")  # the last option: create
    expect(create).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#q-name")).to_have_value(f"{m} Brand New")
    check_axe(page, "quick create opened from the picker")
    dialog.get_by_role("button", name="Create").click()
    expect(box).to_have_value(f"{m} Brand New")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf"{TASKS}/[0-9a-f-]{{36}}$"))
    task = Api(page).get(TASKS, page.url.rsplit("/", 1)[1]).json()
    made = page.request.get("/pick/contacts/client", params={"q": f"{m} Brand New"}, headers={"Accept": "application/json"}).json()
    assert task["client"] == made[0]["id"]


def test_inline_edit_of_a_reference_is_a_picker(admin_context):
    page, m = admin_context.new_page(), marker()
    api = Api(page)
    first = api.create(CLIENTS, name=f"{m} First")
    api.create(CLIENTS, name=f"{m} Second")
    person = api.create(CONTACTS, full_name=f"{m} Person", client=first["id"])
    page.goto(f"{CONTACTS}/{person['id']}")
    field = page.locator("#field-client")
    field.get_by_role("link", name=re.compile("Edit Company")).click()
    box = field.get_by_role("combobox")
    expect(box).to_have_value(f"{m} First")  # the title, never the id
    box.fill(f"{m} sec")
    field.get_by_role("option", name=re.compile("Second")).click()
    field.get_by_role("button", name="Save").click()
    expect(field.get_by_role("link", name=f"{m} Second")).to_be_visible()
    second = page.request.get("/pick/contacts/client", params={"q": f"{m} Second"}, headers={"Accept": "application/json"}).json()[0]
    assert api.get(CONTACTS, person["id"]).json()["client"] == second["id"]


def test_bulk_set_a_reference_and_assign_by_name(admin_context):
    use_axe(admin_context)
    page, m = admin_context.new_page(), marker()
    api = Api(page)
    page.goto("/")
    user_id, name = colleague(page, m)
    acme = api.create(CLIENTS, name=f"{m} Acme")
    tasks = [api.create(TASKS, title=f"{m} task {i}") for i in range(2)]
    page.goto(f"{TASKS}/?q={m}")
    for box in page.locator("#entity-rows input[name=ids]").all():
        box.check()
    bulk = page.locator("#bulk")
    bulk.get_by_label("With the selected records").select_option(label="Set a field")
    bulk.get_by_label("Field", exact=True).select_option(label="Client")
    picker = bulk.get_by_role("combobox", name="Value")
    picker.fill(f"{m} acm")
    bulk.get_by_role("option", name=re.compile("Acme")).click()
    check_axe(page, "the bulk form with a reference picker")
    bulk.get_by_role("button", name="Apply").click()
    page.wait_for_load_state()
    assert {api.get(TASKS, t["id"]).json()["client"] for t in tasks} == {acme["id"]}
    page.goto(f"{TASKS}/?q={m}")
    for box in page.locator("#entity-rows input[name=ids]").all():
        box.check()
    bulk.get_by_label("With the selected records").select_option(label="Assign to")
    responsible = bulk.get_by_role("combobox", name="Responsible")
    responsible.fill(m)
    bulk.get_by_role("option", name=re.compile(name)).click()
    bulk.get_by_role("button", name="Apply").click()
    page.wait_for_load_state()
    assert {api.get(TASKS, t["id"]).json()["owner_id"] for t in tasks} == {user_id}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_list_filter_picks_a_record_by_name(admin_context, scheme):
    use_axe(admin_context)
    page, m = admin_context.new_page(), marker()
    page.emulate_media(color_scheme=scheme)
    api = Api(page)
    acme, other = api.create(CLIENTS, name=f"{m} Acme"), api.create(CLIENTS, name=f"{m} Other")
    api.create(INTERACTIONS, subject=f"{m} with acme", client=acme["id"])
    api.create(INTERACTIONS, subject=f"{m} with other", client=other["id"])
    page.goto(f"{INTERACTIONS}/?q={m}")
    rows = page.locator("#entity-rows tbody")
    expect(rows).to_contain_text(f"{m} with other")
    box = page.get_by_role("combobox", name="Client")
    box.fill(f"{m} acm")
    expect(page.get_by_role("option", name=re.compile("Acme"))).to_be_visible()
    check_axe(page, f"the list with a filter picker open ({scheme})")
    with page.expect_response(lambda r: f"client={acme['id']}" in r.url):
        page.get_by_role("option", name=re.compile("Acme")).click()
    expect(rows).not_to_contain_text(f"{m} with other")
    expect(rows).to_contain_text(f"{m} with acme")
    assert f"client={acme['id']}" in page.url

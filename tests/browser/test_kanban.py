"""The kanban board in Chromium: drag and drop between columns (totals follow), a refused
move shown with its reason, the keyboard "Move to" path, and axe after each swap."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import CLIENTS, Api, axe_violations, board_column, describe, drag, marker, use_axe

FIELDS = "/api/fields/contacts/client"


@pytest.fixture(scope="module")
def board_fields(browser, browser_context_args, admin_state):
    """Custom fields kbphase (choice: the columns) and kbbudget (money: the totals), removed afterwards."""
    context = browser.new_context(**browser_context_args, storage_state=admin_state)
    api = Api(context.new_page())

    def drop():
        for name in ("kbphase", "kbbudget"):
            api.page.request.post(f"{FIELDS}/{name}/retire", headers=api.headers)
            api.page.request.post(f"{FIELDS}/{name}/purge", headers=api.headers)

    drop()
    for body in ({"name": "kbphase", "type": "choice", "label_en": "Phase",
                  "choices": [{"value": "lead", "label": {"en": "Lead"}}, {"value": "won", "label": {"en": "Won"}}]},
                 {"name": "kbbudget", "type": "money", "label_en": "Budget"}):
        response = api.page.request.post(FIELDS, data=body, headers=api.headers)
        assert response.status == 201, response.text()
    yield api
    drop()
    context.close()


def head(page, label):
    return board_column(page, label)


def test_drag_and_drop_moves_a_card_and_updates_the_totals(admin_context, board_fields):
    use_axe(admin_context)
    page, m = admin_context.new_page(), marker()
    api = Api(page)
    card = api.create(CLIENTS, name=f"{m} Dragged", kbphase="lead", kbbudget="100.25")
    api.create(CLIENTS, name=f"{m} Stays", kbphase="lead", kbbudget="1.00")
    page.goto(f"{CLIENTS}/board?by=kbphase&sum=kbbudget&q={m}")
    lead, won = head(page, "Lead"), head(page, "Won")
    expect(lead.locator(".kanban-count")).to_have_text("2")
    expect(lead.locator(".kanban-total")).to_contain_text("101.25")
    found = axe_violations(page)
    assert found == [], describe(found)
    with page.expect_response(lambda r: r.url.endswith("/board/move") and r.status == 200):
        drag(page, page.locator(".kanban-card", has_text=f"{m} Dragged"), won.locator(".kanban-cards"))
    expect(head(page, "Won").locator(".kanban-count")).to_have_text("1")
    expect(head(page, "Won").locator(".kanban-total")).to_contain_text("100.25")
    expect(head(page, "Lead").locator(".kanban-total")).to_contain_text("1.00")
    assert api.get(CLIENTS, card["id"]).json()["kbphase"] == "won"
    found = axe_violations(page)
    assert found == [], "after the move:\n" + describe(found)


def test_a_refused_move_is_rerendered_with_the_reason(admin_context, board_fields):
    use_axe(admin_context)
    page, m = admin_context.new_page(), marker()
    api = Api(page)
    card = api.create(CLIENTS, name=f"{m} Contested", kbphase="lead")
    page.goto(f"{CLIENTS}/board?by=kbphase&q={m}")
    api.update(CLIENTS, card, name=f"{m} Contested (renamed elsewhere)")  # the board now shows a stale version
    with page.expect_response(lambda r: r.url.endswith("/board/move")):
        drag(page, page.locator(".kanban-card", has_text=f"{m} Contested"), head(page, "Won").locator(".kanban-cards"))
    expect(page.get_by_role("alert")).to_contain_text("changed this card meanwhile")
    expect(head(page, "Lead").locator(".kanban-count")).to_have_text("1")  # back where the database has it
    expect(head(page, "Lead").locator(".kanban-card")).to_contain_text("renamed elsewhere")
    assert api.get(CLIENTS, card["id"]).json()["kbphase"] == "lead"
    found = axe_violations(page)
    assert found == [], "after the refusal:\n" + describe(found)
    # The keyboard path: the card's "Move" link opens the board's one shared dialog
    # (now with the card's current version), and the move succeeds.
    page.get_by_role("link", name=f"Move “{m} Contested (renamed elsewhere)”…").focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("To column")).to_be_focused()
    expect(dialog.get_by_label("To column")).to_have_value("lead")
    found = axe_violations(page)
    assert found == [], "the move dialog:\n" + describe(found)
    dialog.get_by_label("To column").select_option("won")
    with page.expect_response(lambda r: r.url.endswith("/board/move")):
        dialog.get_by_role("button", name="Move").press("Enter")
    expect(head(page, "Won").locator(".kanban-count")).to_have_text("1")
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_role("link", name=f"Move “{m} Contested (renamed elsewhere)”…")).to_be_focused()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_board_and_its_move_dialog_pass_axe(admin_context, board_fields, scheme):
    use_axe(admin_context)
    page, m = admin_context.new_page(), marker()
    page.emulate_media(color_scheme=scheme)
    Api(page).create(CLIENTS, name=f"{m} Checked", kbphase="lead", kbbudget="5.00")
    page.goto(f"{CLIENTS}/board?by=kbphase&sum=kbbudget&q={m}")
    found = axe_violations(page)
    assert found == [], f"board, {scheme}:\n" + describe(found)
    page.get_by_role("link", name=f"Move “{m} Checked”…").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    found = axe_violations(page)
    assert found == [], f"move dialog, {scheme}:\n" + describe(found)
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(page.get_by_role("link", name=f"Move “{m} Checked”…")).to_be_focused()

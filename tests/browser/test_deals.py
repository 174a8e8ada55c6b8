"""Deals in Chromium: a deal made from a client card with two product lines (one discounted by a
rule, named on its line), a deal dragged across its pipeline's board; axe clean, usable at 390 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import CLIENTS, Api, axe_violations, board_column, describe, drag, marker, use_axe

STAGES = (("Assessment", 10, "open"), ("Proposal", 40, "open"), ("Contract", 80, "open"), ("Won", 100, "won"),
          ("Lost", 0, "lost"))


@pytest.fixture(scope="module")
def sales(browser, browser_context_args, admin_state):
    """A pipeline with its stages, a price type with two priced products, a rule discounting the first."""
    context = browser.new_context(**browser_context_args, storage_state=admin_state)
    api, m = Api(context.new_page()), marker()
    pipeline = api.create("/sales/pipeline", name=f"{m} pipeline")
    stages = [api.create("/sales/stage", name=f"{name} {m}", pipeline=pipeline["id"], position=n, probability=p, outcome=o)
              for n, (name, p, o) in enumerate(STAGES)]
    price_type = api.create("/sales/price_type", name=f"{m} retail", purpose="sale")
    products = []
    for name, price in ((f"{m} Laptop", "1000.00"), (f"{m} Cable", "3.33")):
        product = api.create("/sales/product", name=name, sku=f"{m}-{len(products)}")
        api.create("/sales/price", product=product["id"], price_type=price_type["id"], effective_from="2020-01-01", price=price)
        products.append(product)
    rule = api.create("/sales/discount_rule", name=f"{m} laptops 5 %", percent="5", product=products[0]["id"])
    yield {"m": m, "api": api, "pipeline": pipeline, "stages": stages, "price_type": price_type, "products": products, "rule": rule}
    context.close()


def pick(page, box_id: str, text: str) -> None:
    box = page.locator(f"#{box_id}")
    box.fill(text)
    option = page.get_by_role("option", name=re.compile(re.escape(text)))
    expect(option.first).to_be_visible()
    option.first.click()


def add_line(page, product: str, quantity: str) -> None:
    pick(page, "l-product", product)
    page.locator("#l-quantity").fill(quantity)
    with page.expect_navigation():  # a saved line reloads the deal's page (amount and version follow)
        page.get_by_role("button", name="Add the line").click()


def test_a_deal_from_a_client_card_with_two_lines_one_discounted_by_a_rule(admin_context, sales):
    use_axe(admin_context)
    page, m = admin_context.new_page(), sales["m"]
    api = Api(page)
    client = api.create(CLIENTS, name=f"{m} Buyer Ltd")
    page.goto(f"{CLIENTS}/{client['id']}")
    page.get_by_role("link", name="New deal").click()
    expect(page.locator("#f-client")).to_have_value(f"{m} Buyer Ltd")  # the client filled in
    page.locator("#f-name").fill(f"{m} office refit")
    pick(page, "f-pipeline", sales["pipeline"]["name"])
    pick(page, "f-stage", sales["stages"][1]["name"])
    pick(page, "f-price_type", sales["price_type"]["name"])
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_have_text(f"{m} office refit")
    add_line(page, f"{m} Laptop", "2")
    add_line(page, f"{m} Cable", "3")
    rows = page.locator(".deal-lines-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(f"rule: {m} laptops 5 %")
    expect(rows.nth(0)).to_contain_text("1,900.00")
    expect(rows.nth(1)).to_contain_text("9.99")
    expect(page.locator(".deal-lines-table tfoot")).to_contain_text("1,909.99")
    deal_id = page.url.rstrip("/").split("/")[-1].split("#")[0]
    assert api.get("/sales/deal", deal_id).json()["amount"] == "1909.99"
    expect(page.locator(".deal-stages")).to_contain_text(sales["stages"][1]["name"])  # the stage history
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        found = axe_violations(page)
        assert found == [], f"deal page, {scheme}:\n" + describe(found)
    # Back on the client card: the deal in its panel, and on its timeline.
    page.goto(f"{CLIENTS}/{client['id']}")
    expect(page.locator("#panel-sales-client-deals")).to_be_visible()
    expect(page.locator(".deal-list")).to_contain_text(f"{m} office refit")
    expect(page.locator(".timeline")).to_contain_text(f"{m} office refit")
    # 390 px: the deal page fits (the lines table scrolls in its own region).
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/sales/deal/{deal_id}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    expect(page.get_by_role("button", name="Add the line")).to_be_visible()


def test_a_deal_dragged_across_its_pipelines_board(admin_context, sales):
    use_axe(admin_context)
    page, m = admin_context.new_page(), sales["m"]
    api = Api(page)
    client = api.create(CLIENTS, name=f"{m} Board client")
    stages = sales["stages"]
    deal = api.create("/sales/deal", name=f"{m} dragged deal", client=client["id"], pipeline=sales["pipeline"]["id"],
                      stage=stages[0]["id"])
    page.goto(f"/sales/deal/board?pipeline={sales['pipeline']['id']}&client={client['id']}")
    expect(page.locator(".kanban-label")).to_have_text([s["name"] for s in stages])  # the pipeline's stages, in order
    expect(board_column(page, stages[0]["name"]).locator(".kanban-count")).to_have_text("1")
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        found = axe_violations(page)
        assert found == [], f"board, {scheme}:\n" + describe(found)
    with page.expect_response(lambda r: r.url.endswith("/board/move") and r.status == 200):
        drag(page, page.locator(".kanban-card", has_text=f"{m} dragged deal"), board_column(page, stages[2]["name"]).locator(".kanban-cards"))
    expect(board_column(page, stages[2]["name"]).locator(".kanban-count")).to_have_text("1")
    expect(board_column(page, stages[0]["name"]).locator(".kanban-count")).to_have_text("0")
    moved = api.get("/sales/deal", deal["id"]).json()
    assert moved["stage"] == stages[2]["id"] and moved["probability"] == 80
    found = axe_violations(page)
    assert found == [], "after the move:\n" + describe(found)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.get_by_label("Pipeline")).to_be_visible()  # the chooser stays reachable at 390 px

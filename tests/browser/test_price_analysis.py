"""The catalogue's screens in Chromium: the price analysis (filter by a category with its subcategories,
sort by a margin) and the category tree — axe clean in light and dark, usable on a 390 px phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import Api, axe_violations, describe, marker


def catalogue(page, m):
    api = Api(page)
    computers = api.create("/sales/category", name=f"{m} Computers")
    laptops = api.create("/sales/category", name=f"{m} Laptops", parent=computers["id"])
    kitchen = api.create("/sales/category", name=f"{m} Kitchen")
    retail = api.create("/sales/price_type", name=f"{m} Retail", purpose="sale")
    purchase = api.create("/sales/price_type", name=f"{m} Purchase", purpose="purchase")
    rival = api.create("/sales/price_type", name=f"{m} Rival", purpose="competitor")
    products = {}
    for name, category, prices in (("Laptop", laptops, ("122000", "97600", "115000")),
                                   ("Monitor", computers, ("24400", "18300", "26000")),
                                   ("Kettle", kitchen, ("3050", "2000", None))):
        products[name] = api.create("/sales/product", name=f"{m} {name}", sku=f"{m}-{name[:3]}", category=category["id"])
        for kind, price in zip((retail, purchase, rival), prices):
            if price:
                api.create("/sales/price", product=products[name]["id"], price_type=kind["id"],
                           effective_from="2026-01-01", price=price)
    return {"computers": computers, "retail": retail, "purchase": purchase}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_price_analysis_filters_sorts_and_is_accessible(admin_context, scheme):
    from tests.browser.helpers import use_axe

    use_axe(admin_context)
    page, m = admin_context.new_page(), marker()
    made = catalogue(page, m)
    page.emulate_media(color_scheme=scheme)
    page.goto(f"/sales/prices/analysis?q={m}&on=2026-03-01&base={made['retail']['id']}")
    rows = page.locator("table.price-analysis tbody tr")
    expect(rows).to_have_count(3)
    page.select_option("#pa-category", str(made["computers"]["id"]))
    page.get_by_role("button", name="Show").click()
    expect(rows).to_have_count(2)  # the laptop (in a subcategory) and the monitor; not the kettle
    expect(page.locator("table.price-analysis")).not_to_contain_text("Kettle")
    page.get_by_role("link", name=f"{m} Purchase — margin").click()
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Purchase")
    expect(rows.first).to_contain_text("Laptop")  # 20.0 % before the monitor's 25.0 %
    expect(rows.first).to_contain_text("+20.0")
    found = axe_violations(page)
    assert found == [], describe(found)
    page.goto("/sales/categories/")
    expect(page.get_by_role("link", name=f"{m} Laptops")).to_be_visible()
    found = axe_violations(page)
    assert found == [], describe(found)


def test_price_analysis_on_a_phone(admin_context):
    page, m = admin_context.new_page(), marker()
    made = catalogue(page, m)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/sales/prices/analysis?q={m}&base={made['retail']['id']}")
    expect(page.locator("table.price-analysis tbody tr")).to_have_count(3)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width  # each product a card, no sideways scrolling of the page
    laptop = page.locator("table.price-analysis tbody tr", has_text="Laptop")
    # A card names each price by its price type (the cell's label, shown before it) and leaves out those it lacks.
    expect(laptop.locator(f'td[data-label="{m} Purchase"]')).to_be_visible()
    assert "Purchase" in laptop.locator(f'td[data-label="{m} Purchase"]').evaluate(
        "td => getComputedStyle(td, '::before').content")
    expect(laptop.locator("td.no-price").first).to_be_hidden()
    assert laptop.bounding_box()["width"] <= 390

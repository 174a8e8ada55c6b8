"""Price analysis: our price against each other price type on a date, margin and deviation in %, compared
without VAT, filtered by a category with its subcategories, sortable; and the category tree page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from core.testing.fixtures import USER_PASSWORD
from plugins.sales.catalog.analysis import analyse, deviation, margin, sort_rows, without_vat


def test_the_arithmetic():
    assert without_vat(Decimal("122"), True, "22") == Decimal("100")
    assert without_vat(Decimal("122"), False, "22") == Decimal("122")  # already without VAT
    assert without_vat(Decimal("122"), True, "none") == Decimal("122")  # a product without VAT has none to take out
    assert margin(Decimal("100"), Decimal("75")) == Decimal("25.0")
    assert margin(Decimal("100"), Decimal("120")) == Decimal("-20.0")  # sold at a loss
    assert margin(Decimal("0"), Decimal("1")) is None
    assert deviation(Decimal("110"), Decimal("100")) == Decimal("10.0")
    assert deviation(Decimal("95"), Decimal("100")) == Decimal("-5.0")
    assert deviation(Decimal("1"), Decimal("3")) == Decimal("-66.7")  # one place, half up
    assert deviation(Decimal("5"), Decimal("0")) is None


async def shop(catalog):
    """Computers > Laptops, a laptop and a monitor in them, a kettle elsewhere; four price types."""
    computers = await catalog.category("Computers")
    laptops = await catalog.category("Laptops", computers)
    kitchen = await catalog.category("Kitchen")
    laptop = await catalog.product("Laptop", sku=f"NB-{catalog.marker}", category=str(laptops["id"]))
    monitor = await catalog.product("Monitor", sku=f"MON-{catalog.marker}", category=str(computers["id"]))
    kettle = await catalog.product("Kettle", category=str(kitchen["id"]))
    types = {
        "retail": await catalog.price_type("Retail", purpose="sale", vat_included=True),
        "purchase": await catalog.price_type("Purchase", purpose="purchase", vat_included=True),
        "supplier": await catalog.price_type("Supplier", purpose="supplier", vat_included=False),
        "rival": await catalog.price_type("Rival", purpose="competitor", vat_included=True),
        "euro": await catalog.price_type("Export", purpose="sale", currency="EUR", vat_included=False),
    }
    prices = (
        (laptop, {"retail": "122000", "purchase": "97600", "supplier": "75000", "rival": "115000", "euro": "1200"}),
        (monitor, {"retail": "24400", "purchase": "18300", "rival": "26000"}),
        (kettle, {"retail": "3050"}),
    )
    for product, row in prices:
        for name, price in row.items():
            await catalog.price(product, types[name], "2026-01-01", price)
    await catalog.price(laptop, types["retail"], "2026-06-01", "134200")  # later: the analysis on a date takes the right one
    return {"computers": computers, "laptops": laptops, "laptop": laptop, "monitor": monitor, "kettle": kettle, **types}


async def test_margin_and_deviation_per_product_in_a_category_with_its_subcategories(kernel, admin, catalog):
    s = await shop(catalog)
    result = await analyse(kernel, admin, on=date(2026, 3, 1), base_id=str(s["retail"]["id"]),
                           category=str(s["computers"]["id"]), search=catalog.marker)
    assert result.base["id"] == s["retail"]["id"]
    rows = {r.product["id"]: r for r in result.rows}
    assert set(rows) == {s["laptop"]["id"], s["monitor"]["id"]}  # the laptop is in a subcategory; the kettle is not
    laptop = rows[s["laptop"]["id"]]
    assert laptop.base == Decimal("122000.00")
    # Without VAT ours is 100 000; the purchase 80 000 (VAT included), the supplier's 75 000 (without).
    assert laptop.cells[s["purchase"]["id"]].percent == Decimal("20.0")
    assert laptop.cells[s["supplier"]["id"]].percent == Decimal("25.0")
    assert laptop.cells[s["rival"]["id"]].percent == Decimal("6.1")  # 122 000 against 115 000, both with VAT
    export = laptop.cells[s["euro"]["id"]]
    assert (export.price, export.percent) == (Decimal("1200.00"), None)  # another currency: shown, not compared
    monitor = rows[s["monitor"]["id"]]
    assert monitor.cells[s["supplier"]["id"]].price is None
    assert monitor.cells[s["rival"]["id"]].percent == Decimal("-6.2")
    by_rival = sort_rows(result.rows, str(s["rival"]["id"]), descending=False)
    assert [r.product["id"] for r in by_rival] == [s["monitor"]["id"], s["laptop"]["id"]]
    later = await analyse(kernel, admin, on=date(2026, 6, 1), base_id=str(s["retail"]["id"]),
                          category=str(s["laptops"]["id"]), search=catalog.marker)
    assert [r.base for r in later.rows] == [Decimal("134200.00")]


async def test_the_page_in_russian_and_the_tree(catalog, make_user, client_as):
    s = await shop(catalog)
    head = await make_user(roles=["head_of_sales"])
    from core.auth.tables import User

    await User.update({User.language: "ru"}).where(User.id == head.id)
    async with client_as(head) as client:
        page = await client.get("/sales/prices/analysis", params={
            "on": "2026-03-01", "base": str(s["retail"]["id"]), "category": str(s["computers"]["id"]),
            "q": catalog.marker, "sort": str(s["purchase"]["id"]), "dir": "desc"})
        assert page.status_code == 200, page.text
        text = page.text
        assert "Анализ цен" in text and s["laptop"]["name"] in text and s["kettle"]["name"] not in text
        assert "122\u00a0000,00\u00a0₽" in text  # money as a Russian reader writes it
        assert "+20,0\u00a0%" in text and "−6,2\u00a0%" in text
        assert 'aria-sort="descending"' in text
        assert text.index(s["monitor"]["name"]) < text.index(s["laptop"]["name"])  # purchase margin 25 % before 20 %
        bad = await client.get("/sales/prices/analysis", params={"on": "31.02.2026"})
        assert bad.status_code == 200 and "не дата" in bad.text
        tree = (await client.get("/sales/categories/")).text
        assert tree.index(s["computers"]["name"]) < tree.index(s["laptops"]["name"])
        assert "category__in=" in tree and "2 товара" in tree  # Computers holds the monitor and, below, the laptop
        menu = (await client.get("/sales/product/")).text
        for url in ("/sales/categories/", "/sales/price_type/", "/sales/price/", "/sales/prices/analysis"):
            assert f'href="{url}"' in menu, url
    reader = await make_user()  # no sales grant at all
    async with client_as(reader) as client:
        assert (await client.get("/sales/prices/analysis")).status_code in (403, 404)

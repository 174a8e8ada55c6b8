"""The demo catalogue for `klientela demo`: categories, a few dozen products and services, five price types
with a year of price history — loaded once, through the gate."""

import time
from datetime import timedelta

from core.i18n.timezones import today
from plugins.sales.catalog import demo
from plugins.sales.pricing import default_price_type, price_on
from plugins.sales.tables import Category, DealLine, Price, PriceType, Product


async def test_demo_catalogue_is_real_looking_with_history_and_idempotent(kernel, admin):
    # The session database holds other tests' catalogues: the demo loads into an empty one only.
    await DealLine.delete(force=True)
    await Price.delete(force=True)
    await Product.delete(force=True)
    await PriceType.delete(force=True)
    await Category.update({Category.parent: None}, force=True)
    await Category.delete(force=True)
    started = time.perf_counter()
    assert await demo.load(kernel) == len(demo.PRODUCTS) >= 30
    elapsed = time.perf_counter() - started
    assert await demo.load(kernel) == 0  # a second run adds nothing
    products = await Product.select(Product.sku, Product.kind, Product.unit, Product.vat_rate, Product.category, Product.id)
    assert {p["kind"] for p in products} == {"goods", "service", "work"}
    assert {"796", "006", "356", "872"} <= {p["unit"] for p in products}
    assert {"22", "none"} <= {p["vat_rate"] for p in products} and all(p["category"] for p in products)
    nested = await Category.count().where(Category.parent.is_not_null())
    assert nested >= 5
    retail = await default_price_type(kernel, admin)
    assert retail["name"] == "Розничная" and retail["purpose"] == "sale"
    assert {t["purpose"] for t in await PriceType.select(PriceType.purpose)} == {"sale", "purchase", "supplier", "competitor"}
    laptop = next(p for p in products if p["sku"] == "NB-LEN-E14")
    now, year_ago = today(), today() - timedelta(days=365)
    old = await price_on(kernel, admin, laptop["id"], retail["id"], year_ago)
    new = await price_on(kernel, admin, laptop["id"], retail["id"], now)
    assert old is not None and new is not None and old < new  # prices rose over the year: history kept
    assert await price_on(kernel, admin, laptop["id"], retail["id"], year_ago - timedelta(days=1)) is None
    print(f"demo catalogue: {len(products)} products, {await Price.count()} prices in {elapsed:.2f} s")

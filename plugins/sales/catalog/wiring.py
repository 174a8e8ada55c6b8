"""What the catalogue contributes to the sales plugin's hooks (plugin.py forwards here)."""

from __future__ import annotations


async def record_checks(kernel, entity, values, current, principal):
    from plugins.sales.catalog.checks import check

    return await check(kernel, entity, values, current, principal)


def routes(kernel) -> list:
    from plugins.sales.catalog.screens import CatalogScreens

    return [CatalogScreens]


def menu(kernel) -> list:
    from core.hooks.contributions import MenuItem

    # Sub-items of the Sales entry (plugin.py): what the catalogue keeps.
    return [
        MenuItem(key="sales_products", label={"en": "Products and services", "ru": "Товары и услуги"}, url="/sales/product/",
                 order=30, permission="sales.product.read", parent="sales"),
        MenuItem(key="sales_categories", label={"en": "Product categories", "ru": "Категории товаров"},
                 url="/sales/categories/", order=31, permission="sales.category.read", parent="sales"),
        MenuItem(key="sales_price_types", label={"en": "Price types", "ru": "Виды цен"}, url="/sales/price_type/",
                 order=32, permission="sales.price_type.read", parent="sales"),
        MenuItem(key="sales_prices", label={"en": "Prices", "ru": "Цены"}, url="/sales/price/",
                 order=33, permission="sales.price.read", parent="sales"),
        MenuItem(key="sales_price_analysis", label={"en": "Price analysis", "ru": "Анализ цен"},
                 url="/sales/prices/analysis", order=34, permission="sales.price.read", parent="sales"),
    ]


async def on_demo(kernel) -> None:
    from plugins.sales.catalog.demo import load

    await load(kernel)


def import_match_rules(entity) -> list:
    from core.hooks.contributions import MatchRule

    # A product is its article; a price, its product, price type and day (one price a day, checks.py);
    # a price type and a category, their name — so re-importing a price list or a catalogue updates.
    if entity.key == "sales.product":
        return [MatchRule(("sku",), {"en": "same article", "ru": "тот же артикул"}),
                MatchRule(("name",), {"en": "same name", "ru": "то же наименование"}, sure=False)]
    if entity.key == "sales.price":
        return [MatchRule(("product", "price_type", "effective_from"),
                          {"en": "same product, price type and date", "ru": "та же номенклатура, вид цен и дата"})]
    if entity.key in ("sales.price_type", "sales.category"):
        return [MatchRule(("name",), {"en": "same name", "ru": "то же наименование"})]
    return []


async def panels(kernel, entity, record, principal) -> list:
    from plugins.sales.catalog.properties import category_panel

    return await category_panel(kernel, entity, record, principal)


async def inapplicable_fields(kernel, entity, values, principal) -> list:
    from plugins.sales.catalog.properties import inapplicable

    return await inapplicable(kernel, entity, values, principal)


def actions(kernel, entity, record, principal) -> list:
    from core.hooks.contributions import RecordAction

    # A new product from its category's page: the form opens with the category chosen, so its
    # properties (properties.py) are there to fill in at once.
    if entity.key != "sales.category":
        return []
    return [RecordAction("sales.new_product", {"en": "New product here", "ru": "Новый товар в категории"},
                         url=f"/sales/product/new?category={record['id']}", permission="sales.product.create", order=40)]

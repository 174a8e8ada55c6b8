"""Hook implementations of the sales plugin."""

from core.hooks import hookimpl
from core.hooks.contributions import MenuItem
from core.permissions.declare import entity_permissions, role_grants
from core.web.overview import overview_controller
from plugins.sales.tables import Product

NAME = "sales"
# Entities every seller reads in full (not per team): what is sold and how deals move.
REFERENCE_DATA = ("category", "product", "price_type", "price", "pipeline", "stage")
# What a seller makes and works on.
SELLING = ("deal", "quote", "invoice")


@hookimpl
def register_routes(kernel):
    from plugins.sales.catalog import wiring as catalog
    from plugins.sales.deals import wiring as deals

    return [overview_controller(NAME, tables=[Product], permission="sales.product.read"), *catalog.routes(kernel),
            *deals.routes(kernel), *funnel_wiring().routes(kernel)]


@hookimpl
def register_entities(kernel):
    from plugins.sales.discounts import wiring as discounts
    from plugins.sales.entities import ENTITIES

    return [*ENTITIES, *discounts.entities()]


@hookimpl
def register_permissions(kernel):
    from plugins.sales.discounts import wiring as discounts

    return [
        *entity_permissions("sales", "category"),
        *entity_permissions("sales", "product"),
        *entity_permissions("sales", "price_type"),
        *entity_permissions("sales", "price"),
        *entity_permissions("sales", "pipeline"),
        *entity_permissions("sales", "stage"),
        *entity_permissions("sales", "deal"),
        *discounts.permissions(),
        *entity_permissions("sales", "quote"),
        *entity_permissions("sales", "invoice"),
        *entity_permissions("sales", "process", feature="sales.business_processes"),
        *funnel_wiring().permissions(kernel),
    ]


@hookimpl
def register_default_grants(kernel):
    from plugins.sales.discounts import wiring as discounts

    return [
        *role_grants("head_of_sales", NAME, **dict.fromkeys(
            ("read", "create", "write", "delete", "restore", "export", "import", "report", "assign"), "department")),
        # A seller works their own deals (quotes, invoices) and sees the team's.
        *(grant for entity in SELLING for grant in role_grants(
            "sales_manager", NAME, entity, read="team", create="own", write="own", delete="own",
            restore="own", export="own", report="team")),
        # ... and the team's funnel (the funnel reads the deals the report scope reaches).
        *role_grants("sales_manager", NAME, "funnel", report="team"),
        *role_grants("marketer", NAME, read="all", report="all"),
        *role_grants("read_only", NAME, read="all"),
        # The catalogue and the pipelines are shared reference data: every seller reads all of
        # it to sell from it; the head of sales keeps it.
        *(grant for entity in REFERENCE_DATA for grant in (
            *role_grants("sales_manager", NAME, entity, read="all", export="all", report="all"),
            *role_grants("head_of_sales", NAME, entity, **dict.fromkeys(
                ("read", "create", "write", "delete", "restore", "export", "import", "report"), "all")),
        )),
        *discounts.grants(),
    ]


@hookimpl
def menu_items(kernel, request):
    from plugins.sales.catalog import wiring as catalog
    from plugins.sales.deals import wiring as deals
    from plugins.sales.discounts import wiring as discounts

    return [
        # The entry opens what a seller works from; its pages are sub-items (core/web/menu.py).
        MenuItem(
            key=NAME,
            label={"en": "Sales", "ru": "Продажи"},
            url="/sales/deal/",
            order=20,
            permission="sales.product.read",
        ),
        *deals.menu(kernel),
        *catalog.menu(kernel),
        *discounts.menu(),
        *funnel_wiring().menu(kernel),
    ]


@hookimpl
async def record_checks(kernel, entity, values, current, principal):
    # Each part checks its own entities; one hook implementation per plugin, so the results are merged.
    from plugins.sales.catalog import wiring as catalog
    from plugins.sales.deals import wiring as deals
    from plugins.sales.discounts.checks import check_rule

    merged = {"errors": {}, "values": {}}
    for check in (catalog.record_checks, deals.record_checks, check_rule):
        found = await check(kernel, entity, values, current, principal)
        for key in merged:
            merged[key].update((found or {}).get(key) or {})
    return merged


@hookimpl
async def on_records_written(kernel, entity, writes, principal):
    from plugins.sales.deals import wiring

    await wiring.records_written(kernel, entity, writes, principal)


@hookimpl
async def record_panels(kernel, entity, record, principal):
    from plugins.sales.catalog import wiring as catalog
    from plugins.sales.deals import wiring as deals
    from plugins.sales.discounts.words import panels

    return [*await catalog.panels(kernel, entity, record, principal), *await deals.panels(kernel, entity, record, principal),
            *await panels(kernel, entity, record, principal)]


@hookimpl
async def record_actions(kernel, entity, record, principal):
    from plugins.sales.catalog import wiring as catalog
    from plugins.sales.deals import wiring as deals

    return [*catalog.actions(kernel, entity, record, principal), *await deals.actions(kernel, entity, record, principal)]


@hookimpl
async def timeline_entries(kernel, entity, record, principal):
    from plugins.sales.deals import wiring

    return await wiring.timeline(kernel, entity, record, principal)


@hookimpl
def register_template_globals(kernel):
    from plugins.sales.deals import wiring

    return wiring.template_globals(kernel)


@hookimpl
async def on_demo(kernel):
    # The catalogue first: the discount rules name its products and categories, and the
    # demo's deals take their prices and discounts from both.
    from plugins.sales.catalog import wiring as catalog
    from plugins.sales.deals import wiring as deals
    from plugins.sales.discounts.demo import load

    await catalog.on_demo(kernel)
    await load(kernel)
    await deals.demo(kernel)


@hookimpl
def import_match_rules(kernel, entity):
    from plugins.sales.catalog import wiring as catalog

    return catalog.import_match_rules(entity)


@hookimpl
async def inapplicable_fields(kernel, entity, values, principal):
    from plugins.sales.catalog import wiring as catalog

    return await catalog.inapplicable_fields(kernel, entity, values, principal)


@hookimpl
def dashboard_widgets(kernel, request):
    return funnel_wiring().widgets(kernel)


def funnel_wiring():
    from plugins.sales.funnel import wiring

    return wiring

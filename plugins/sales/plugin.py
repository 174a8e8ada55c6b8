"""Hook implementations of the sales plugin."""

from core.hooks import hookimpl
from core.hooks.contributions import MenuItem
from core.permissions.declare import entity_permissions, role_grants
from core.web.overview import overview_controller
from plugins.sales.tables import Product

NAME = "sales"
# Entities every seller reads in full (not per team): what is sold and how deals move.
REFERENCE_DATA = ("category", "product", "price_type", "price", "pipeline", "stage")


@hookimpl
def register_routes(kernel):
    return [overview_controller(NAME, tables=[Product], permission="sales.product.read"), *funnel_wiring().routes(kernel)]


@hookimpl
def register_entities(kernel):
    from plugins.sales.entities import ENTITIES

    return ENTITIES


@hookimpl
def register_permissions(kernel):
    return [
        *entity_permissions("sales", "category"),
        *entity_permissions("sales", "product"),
        *entity_permissions("sales", "price_type"),
        *entity_permissions("sales", "price"),
        *entity_permissions("sales", "pipeline"),
        *entity_permissions("sales", "stage"),
        *entity_permissions("sales", "deal"),
        *entity_permissions("sales", "quote"),
        *entity_permissions("sales", "invoice"),
        *entity_permissions("sales", "process", feature="sales.business_processes"),
        *funnel_wiring().permissions(kernel),
    ]


@hookimpl
def register_default_grants(kernel):
    return [
        *role_grants("head_of_sales", NAME, **dict.fromkeys(
            ("read", "create", "write", "delete", "restore", "export", "import", "report", "assign"), "department")),
        *role_grants("sales_manager", NAME, read="team", create="own", write="own", delete="own",
                     restore="own", export="own", report="team"),
        *role_grants("marketer", NAME, read="all", report="all"),
        *role_grants("read_only", NAME, read="all"),
        # The catalogue and the pipelines are shared reference data: every seller reads all of
        # it to sell from it; the head of sales keeps it.
        *(grant for entity in REFERENCE_DATA for grant in (
            *role_grants("sales_manager", NAME, entity, read="all", export="all", report="all"),
            *role_grants("head_of_sales", NAME, entity, **dict.fromkeys(
                ("read", "create", "write", "delete", "restore", "export", "import", "report"), "all")),
        )),
    ]


@hookimpl
def menu_items(kernel, request):
    return [
        MenuItem(
            key=NAME,
            label={"en": "Sales", "ru": "Продажи"},
            url="/sales/",
            order=20,
            permission="sales.product.read",
        ),
        *funnel_wiring().menu(kernel),
    ]


@hookimpl
def dashboard_widgets(kernel, request):
    return funnel_wiring().widgets(kernel)


def funnel_wiring():
    from plugins.sales.funnel import wiring

    return wiring

"""Hook implementations of the sales plugin."""

from core.hooks import hookimpl
from core.hooks.contributions import MenuItem
from core.permissions.declare import entity_permissions, role_grants
from core.web.overview import overview_controller
from plugins.sales.tables import Product

NAME = "sales"


@hookimpl
def register_routes(kernel):
    return [overview_controller(NAME, tables=[Product], permission="sales.product.read")]


@hookimpl
def register_permissions(kernel):
    return [
        *entity_permissions("sales", "product"),
        *entity_permissions("sales", "deal"),
        *entity_permissions("sales", "quote"),
        *entity_permissions("sales", "invoice"),
        *entity_permissions("sales", "process", feature="sales.business_processes"),
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
        )
    ]

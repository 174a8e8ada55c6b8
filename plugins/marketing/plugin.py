"""Hook implementations of the marketing plugin."""

from core.hooks import hookimpl
from core.hooks.contributions import MenuItem
from core.permissions.declare import entity_permissions, role_grants
from core.web.overview import overview_controller
from plugins.marketing.tables import Campaign

NAME = "marketing"


@hookimpl
def register_routes(kernel):
    return [overview_controller(NAME, tables=[Campaign], permission="marketing.campaign.read")]


@hookimpl
def register_permissions(kernel):
    return [
        *entity_permissions("marketing", "campaign"),
        *entity_permissions("marketing", "segment"),
        *entity_permissions("marketing", "mailing", feature="marketing.mailings"),
        *entity_permissions("marketing", "survey", feature="marketing.surveys"),
    ]


@hookimpl
def register_default_grants(kernel):
    return [
        *role_grants("marketer", NAME, **dict.fromkeys(
            ("read", "create", "write", "delete", "restore", "export", "import", "report", "assign"), "all")),
        *role_grants("head_of_sales", NAME, read="department", report="department"),
        *role_grants("read_only", NAME, read="all"),
    ]


@hookimpl
def menu_items(kernel, request):
    return [
        MenuItem(
            key=NAME,
            label={"en": "Marketing", "ru": "Маркетинг"},
            url="/marketing/",
            order=30,
            permission="marketing.campaign.read",
        )
    ]

"""Hook implementations of the accounting_bridge plugin."""

from core.hooks import hookimpl
from core.hooks.contributions import MenuItem
from core.permissions.declare import entity_permissions, role_grants
from core.web.overview import overview_controller
from plugins.accounting_bridge.tables import Peer

NAME = "accounting_bridge"


@hookimpl
def register_routes(kernel):
    return [overview_controller(NAME, tables=[Peer], permission="accounting_bridge.peer.read")]


@hookimpl
def register_permissions(kernel):
    return [
        *entity_permissions("accounting_bridge", "peer", feature="accounting_bridge.exchange"),
        *entity_permissions("accounting_bridge", "message", feature="accounting_bridge.exchange"),
    ]


@hookimpl
def register_default_grants(kernel):
    return [
        *role_grants("head_of_sales", NAME, read="all", report="all"),
        *role_grants("read_only", NAME, read="all"),
    ]


@hookimpl
def menu_items(kernel, request):
    return [
        MenuItem(
            key=NAME,
            label={"en": "Accounting bridge", "ru": "Связь с учётом"},
            url="/accounting_bridge/",
            order=50,
            permission="accounting_bridge.peer.read",
        )
    ]

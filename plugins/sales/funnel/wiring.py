"""What the funnel contributes to the sales plugin's hooks (plugin.py forwards here)."""

from __future__ import annotations

from core.hooks.contributions import MenuItem, Permission
from plugins.sales.funnel import FEATURE, PERMISSION


def routes(kernel) -> list:
    from plugins.sales.funnel.web import routes as funnel_routes

    return funnel_routes()


def permissions(kernel) -> list[Permission]:
    # Seeing the funnel at all; what it counts is the report scope on deals.
    return [Permission(PERMISSION, {"en": "Sales funnel", "ru": "Воронка продаж"}, feature=FEATURE)]


def menu(kernel) -> list[MenuItem]:
    return [MenuItem(key="sales_funnel", label={"en": "Sales funnel", "ru": "Воронка продаж"}, url="/sales/funnel/",
                     order=25, permission=PERMISSION, feature=FEATURE, parent="sales")]


def widgets(kernel) -> list:
    from plugins.sales.funnel.widget import widgets as funnel_widgets

    return funnel_widgets()

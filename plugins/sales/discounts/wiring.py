"""What automatic discounts contribute to the sales plugin's hooks (plugin.py forwards here)."""

from __future__ import annotations

from core.hooks.contributions import Permission
from core.permissions.declare import entity_permissions, role_grants
from plugins.sales.discounts.engine import OVER_LIMIT


def entities() -> list:
    from plugins.sales.discounts.entity import DISCOUNT_RULE

    return [DISCOUNT_RULE]


def permissions() -> list[Permission]:
    return [
        *entity_permissions("sales", "discount_rule"),
        Permission(OVER_LIMIT, label={"en": "Give manual discounts over the limit",
                                      "ru": "Давать ручные скидки сверх лимита"}),
    ]


def grants() -> list:
    from core.hooks.contributions import DefaultGrant

    # Rules are reference data: every seller reads them all (a deal line names the rule
    # that gave its discount); the head of sales keeps them and may exceed the manual limit.
    return [
        *role_grants("sales_manager", "sales", "discount_rule", read="all", export="all", report="all"),
        *role_grants("head_of_sales", "sales", "discount_rule", **dict.fromkeys(
            ("read", "create", "write", "delete", "restore", "export", "import", "report"), "all")),
        DefaultGrant("head_of_sales", OVER_LIMIT, "all"),
    ]


def menu() -> list:
    from core.hooks.contributions import MenuItem

    return [MenuItem(key="sales_discounts", label={"en": "Automatic discounts", "ru": "Автоматические скидки"},
                     url="/sales/discount_rule/", order=40, permission="sales.discount_rule.read", parent="sales")]

"""What automatic discounts contribute to the sales plugin's hooks (plugin.py forwards here)."""

from __future__ import annotations

from dataclasses import replace

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


def except_discount_rules(grants: list, permissions: list[Permission]) -> list:
    """Wildcard grants (``sales.*.create``) spelled out for every sales permission but the discount rules'.

    Stock grants only widen (the widest of a role's grants wins), so a seller's
    "create own" on ``sales.*`` would let them write a rule that discounts every
    colleague's deals. A grant pattern cannot say "but", so the wildcard is
    expanded over the plugin's own permissions (those of entities declared later
    included, as the wildcard would have).
    """
    from fnmatch import fnmatchcase

    out = []
    for grant in grants:
        if "*" not in grant.permission:
            out.append(grant)
            continue
        out += [replace(grant, permission=p.name) for p in permissions
                if fnmatchcase(p.name, grant.permission) and not p.name.startswith("sales.discount_rule.")]
    return out


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

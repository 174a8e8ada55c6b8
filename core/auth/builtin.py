"""Core's auth contributions, made through the public hooks like a plugin's:
the login/logout pages, the account page, the administration screens, the ``csrf_token`` and
``current_principal`` template globals, the Administration menu entry and
what the stock roles get on core's own permissions.
"""

from __future__ import annotations

from core.auth.csrf import csrf_token
from core.hooks import hookimpl
from core.hooks.contributions import DefaultGrant, MenuItem
from core.permissions.request import principal_of


@hookimpl
def register_routes(kernel):
    from core.auth.account import ROUTES as ACCOUNT_ROUTES
    from core.auth.admin import ROUTES as ADMIN_ROUTES
    from core.auth.web import ROUTES

    return [*ROUTES, *ACCOUNT_ROUTES, *ADMIN_ROUTES]


@hookimpl
def register_template_globals(kernel):
    return {
        "csrf_token": csrf_token,
        "current_principal": lambda request: principal_of(request) if request is not None else None,
    }


@hookimpl
def register_default_grants(kernel):
    # The administrator's "everything" is added by the sync itself.
    return [
        DefaultGrant("head_of_sales", "core.user.read", "department"),
        DefaultGrant("head_of_sales", "core.team.read", "all"),
        DefaultGrant("head_of_sales", "core.department.read", "all"),
        # Saved views: everyone keeps their own; the head of sales shares views with the others.
        *[DefaultGrant(role, f"core.saved_view.{action}", "own") for role in ("head_of_sales", "sales_manager", "marketer", "service_engineer")
          for action in ("read", "write")],
        DefaultGrant("head_of_sales", "core.saved_view.share", "all"),
        *[DefaultGrant(role, "core.document.read", "all") for role in ("head_of_sales", "sales_manager", "service_engineer")],
    ]


@hookimpl
def menu_items(kernel, request):
    return [
        MenuItem(
            key="admin",
            label={"en": "Administration", "ru": "Администрирование"},
            url="/admin/",
            order=900,
            permission="core.user.read",
        )
    ]

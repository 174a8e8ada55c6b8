"""Core's own web contributions, made through the public hooks.

Like Datasette's default plugins, this module proves the catalogue: the home
page, the health endpoint, the API docs page, the Home menu entry and core's
permissions all arrive exactly as a plugin's would.
"""

from __future__ import annotations

import inspect

from litestar import Request, get
from litestar.response import Response, Template

from core.hooks import hookimpl
from core.hooks.contributions import EntityView, MenuItem
from core.permissions.declare import entity_permissions
from core.web.menu import menu_for, visible_menu
from core.web.security import CSP
from core.web.views import entity_views as views_of


@get("/health", name="core:health", opt={"public": True}, include_in_schema=True)
async def health(request: Request) -> Response[dict]:
    """Readiness: every registered health check must pass."""
    kernel = request.app.state.kernel
    results: dict[str, str] = {}
    ok = True
    for check in kernel.collect("register_health_checks"):
        try:
            outcome = check.check()
            if inspect.isawaitable(outcome):
                await outcome
            results[check.name] = "ok"
        except Exception as exc:  # a failing probe is reported, never raised
            ok = False
            results[check.name] = f"failed: {type(exc).__name__}"
    body = {"status": "ok" if ok else "failing", "checks": results, "edition": kernel.edition.name}
    # `klientela plugin enable/disable` changed the instance file since this app
    # was built: it keeps serving the old set of plugins until restarted.
    snapshot = getattr(request.app.state, "configured", None)
    difference = snapshot.difference(kernel) if snapshot is not None else None
    if difference is not None:
        body["restart_needed"] = True
        body["configured_differs"] = difference
    return Response(body, status_code=200 if ok else 503)


@get("/api/docs", name="core:api-docs", opt={"authenticated": True}, include_in_schema=False)  # the schema it shows is per user
async def api_docs(request: Request) -> Template:
    # Swagger UI sets inline styles; scripts stay 'self'-only like everywhere.
    csp = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    return Template(
        template_name="core/api_docs.html",
        context={"schema_url": "/schema/openapi.json"},
        headers={"Content-Security-Policy": csp},
    )


@hookimpl
def register_routes(kernel):
    return [health, api_docs]  # the home page ("my day") is core.dashboard's


@hookimpl
def register_permissions(kernel):
    return [
        *entity_permissions("core", "user", actions=("read", "create", "write", "delete", "assign")),
        *entity_permissions("core", "role", actions=("read", "write")),
        *entity_permissions("core", "team", actions=("read", "write")),
        *entity_permissions("core", "department", actions=("read", "write")),
        *entity_permissions("core", "security", actions=("read",)),
        *entity_permissions("core", "plugin", actions=("read", "manage")),
        *entity_permissions("core", "field", actions=("read", "write"), feature="core.custom_fields"),
        *entity_permissions("core", "document", actions=("read", "write"), feature="core.documents"),
    ]


@hookimpl
def register_template_globals(kernel):
    return {
        "edition": kernel.edition,
        "plugins": kernel.plugins,
        "menu": lambda request: visible_menu(kernel, request),
        "main_menu": lambda request: menu_for(kernel, request),  # grouped, with the current item (layout.html)
        "entity_views": lambda request, entity: views_of(kernel, request, entity),  # core/entity/view_switcher.html
    }


@hookimpl
def entity_views(kernel, entity):
    # Every entity has its list; other views come from core.kanban and plugins.
    return [EntityView("list", {"en": "List", "ru": "Список"}, f"{entity.url}/", order=0,
                       permission=entity.permission("read"), feature=entity.feature)]


@hookimpl
def menu_items(kernel, request):
    return [MenuItem(key="home", label={"en": "Home", "ru": "Главная"}, url="/", order=0)]

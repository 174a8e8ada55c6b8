"""``create_app(settings)``: the one place where an app is wired together."""

from __future__ import annotations

import inspect
import logging
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig
from litestar.exceptions import NotFoundException
from litestar_htmx import HTMXPlugin, HTMXRequest
from piccolo.apps.migrations.tables import Migration

from core.auth.wiring import AuthPlugin
from core.db.apps import app_configs
from core.db.engine import bind_tables, close_pool, get_engine, start_pool
from core.i18n.catalogs import app_catalogs
from core.i18n.middleware import I18nPlugin
from core.kernel import Kernel, build_kernel, feature_of
from core.permissions.errors import GateError
from core.plugins.discovery import Catalog
from core.plugins.drift import ConfigSnapshot

log = logging.getLogger("klientela")
from core.settings import Settings
from core.web.assets import vendor_dirs
from core.web.flash_middleware import FlashPlugin
from core.web.head import head_as_get
from core.web.security import security_headers
from core.web.templating import build_environment, search_path

VERSION = "0.1.0"


class RouteOutsidePrefix(ValueError):
    pass


def _paths(handler) -> list[str]:
    paths = getattr(handler, "paths", None)
    if paths:
        return list(paths)
    path = getattr(handler, "path", "")
    return [path] if isinstance(path, str) else list(path)


def collect_routes(kernel: Kernel) -> list:
    """Routes of core and enabled plugins, minus those whose feature is off.

    A plugin's routes must live under ``/<plugin name>``; a route elsewhere is
    an error at build time, not a surprise in production.
    """
    routes = []
    for owner, handlers in kernel.collect_by_plugin("register_routes"):
        for handler in handlers:
            if owner != "core":
                for path in _paths(handler):
                    if not (path == f"/{owner}" or path.startswith(f"/{owner}/")):
                        raise RouteOutsidePrefix(f"plugin {owner!r} registered {path!r}; its routes belong under /{owner}/")
            if kernel.features.enabled(feature_of(handler)):
                routes.append(handler)
    return routes


async def startup(app: Litestar) -> None:
    """Connect the database, then let plugins start (the ``on_startup`` hook)."""
    kernel = app.state.kernel
    await start_pool(get_engine(kernel.settings), kernel.settings)
    await _fire(kernel.hook.on_startup(kernel=kernel, app=app))


async def shutdown(app: Litestar) -> None:
    kernel = app.state.kernel
    try:
        await _fire(kernel.hook.on_shutdown(kernel=kernel, app=app))
    finally:
        from core.auth.stamp import close_reader

        await close_reader()  # its own connection (PostgreSQL), kept beside the pool
        await close_pool(get_engine(kernel.settings))


def gate_error(request, exc):
    """Refusals of the query gate: JSON on the API, an error page elsewhere."""
    from core.entities.api import gate_error_response
    from core.web.api_errors import is_api_path

    if is_api_path(request.url.path):
        return gate_error_response(request, exc)
    from litestar.response import Template

    return Template(template_name="core/error.html", context={"error": exc}, status_code=exc.status)


def not_found(request, exc):
    """Every 404 looks the same, whoever refused: the router (no such path),
    the auth guard (no permission) or the query gate (no such record, or not
    yours) — so a status or a body never tells "forbidden" from "missing"."""
    from core.i18n.middleware import ensure_language
    from core.permissions.errors import NotFound

    ensure_language(request.scope)  # a path no route matches never went through the middleware
    return gate_error(request, NotFound("not found"))


def server_error(request, exc):
    """An unexpected error: logged with its traceback (Litestar logs none
    outside debug mode, where its own page shows it), answered without details: JSON on the API, a page elsewhere."""
    from litestar.response import Response, Template

    from core.i18n import _
    from core.i18n.middleware import ensure_language
    from core.web.api_errors import is_api_path

    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    ensure_language(request.scope)
    message = _("Something went wrong on our side and it has been logged. Check whether your change was saved before you try again.")
    if is_api_path(request.url.path) or request.headers.get("hx-request"):
        return Response({"status_code": 500, "detail": message}, status_code=500)
    return Template(template_name="core/refused.html", context={"message": message}, status_code=500)


async def feature_guard(connection, route_handler) -> None:
    """Switched-off features answer 404, also for handlers nested in a controller.

    ``collect_routes`` already leaves out top-level handlers and controllers
    whose feature is off; this guard covers a feature set on one handler
    inside an otherwise enabled controller (Litestar merges opts downwards).
    Async on purpose: Litestar runs a sync guard in a thread, a hop on every request.
    """
    from litestar.exceptions import NotFoundException

    feature = route_handler.opt.get("feature")
    if feature and not connection.app.state.kernel.features.enabled(feature):
        raise NotFoundException()


@asynccontextmanager
async def _lifespan(app: Litestar):
    await startup(app)
    try:
        yield
    finally:
        await shutdown(app)


async def _fire(results) -> None:
    for result in results:
        if inspect.isawaitable(result):
            await result


def create_app(settings: Settings | None = None, catalog: Catalog | None = None) -> Litestar:
    settings = settings or Settings()
    kernel = build_kernel(settings, catalog)
    engine = get_engine(settings)
    tables = [t for config in app_configs(kernel.plugins) for t in config.table_classes]
    bind_tables(tables + [Migration], engine)

    static = [create_static_files_router(path="/static", directories=search_path(kernel, "static"), name="static", opt={"public": True}, include_in_schema=False)]
    for name, folder in vendor_dirs(settings.node_modules).items():
        static.append(
            create_static_files_router(path=f"/static/vendor/{name}", directories=[folder], name=f"vendor-{name}", opt={"public": True}, include_in_schema=False)
        )

    environment = build_environment(kernel)
    app = Litestar(
        route_handlers=collect_routes(kernel) + static,
        template_config=TemplateConfig(engine=JinjaTemplateEngine.from_environment(environment)),
        plugins=[HTMXPlugin(), AuthPlugin(), I18nPlugin(), FlashPlugin()],  # AuthPlugin: sessions/tokens, CSRF, route guard; I18nPlugin: the request's language (after auth); FlashPlugin: messages for the next page (after auth)
        request_class=HTMXRequest,
        openapi_config=OpenAPIConfig(
            title="Klientela",
            version=VERSION,
            # Litestar's own schema of the static routes, kept out of the way;
            # the public /schema/openapi.json adds the entity APIs to it
            # (core/entities/openapi.py).
            path="/_litestar/schema",
            render_plugins=[JsonRenderPlugin()],
        ),
        lifespan=[_lifespan],
        before_send=[security_headers],  # every response, error pages too (core/web/security.py)
        guards=[feature_guard],
        exception_handlers={GateError: gate_error, NotFoundException: not_found, **({} if settings.debug else {500: server_error})},
        debug=settings.debug,
    )
    app.asgi_handler = head_as_get(app.asgi_handler)  # HEAD answered on every GET page (core/web/head.py)
    app.state.kernel = kernel
    # The instance file as read now: /health tells when `klientela plugin` changed it since (core/plugins/drift.py).
    app.state.configured = ConfigSnapshot.take()
    app.state.catalogs = app_catalogs(kernel)  # language -> Translations (core/i18n/catalogs.py)
    return app


def app_from_env() -> Litestar:
    """Factory for ``uvicorn --factory`` (``klientela serve`` uses it)."""
    return create_app(Settings())

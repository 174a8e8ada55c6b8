"""Plugs the auth layer into a Litestar app (``create_app`` adds :class:`AuthPlugin`).

Middleware (who is asking, CSRF, sliding sessions), the authorization guard,
and the responses for "sign in first" (303 to /login or 401) and "choose a
new password first".
"""

from __future__ import annotations

from litestar.config.app import AppConfig
from litestar.plugins import InitPluginProtocol

from core.auth.csrf import csrf_token
from core.auth.guard import (
    CsrfRefused, LoginRequired, PasswordChangeRequired, authorize, csrf_refused_handler, login_required_handler,
    password_change_handler,
)
from core.auth.middleware import AuthMiddleware


class AuthPlugin(InitPluginProtocol):
    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        app_config.middleware.append(AuthMiddleware())
        app_config.guards.append(authorize)
        app_config.exception_handlers[LoginRequired] = login_required_handler
        app_config.exception_handlers[PasswordChangeRequired] = password_change_handler
        app_config.exception_handlers[CsrfRefused] = csrf_refused_handler
        if app_config.template_config is not None:
            # Litestar's Jinja engine registers a ``csrf_token`` of its own; ours wins.
            environment = getattr(app_config.template_config.engine_instance, "engine", None)
            if environment is not None:
                environment.globals["csrf_token"] = csrf_token
        return app_config

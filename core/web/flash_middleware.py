"""The part of flash messages (core/web/flash.py) that runs around every request.

Kept apart from the table and ``flash()`` so that the command line, which
imports the tables, does not import the web stack.
"""

from __future__ import annotations

from uuid import UUID

from litestar.config.app import AppConfig
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.plugins import InitPluginProtocol

from core.web.cookies import scope_cookies
from core.web.flash import ADDED, COOKIE, KEEP, LOADED, MAX_SHOWN, SHOWN, Flash, flash_messages, log, waiting


def _has_mark(scope) -> bool:
    return COOKIE in scope_cookies(scope)  # parsed once per request, shared with auth and i18n


def _mark(settings, on: bool) -> str:
    cookie = Cookie(key=COOKIE, value="1" if on else "", max_age=int(KEEP.total_seconds()) if on else 0, path="/",
                    httponly=True, secure=settings.cookie_secure, samesite="lax")
    return cookie.to_header(header="")


class FlashMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)
    should_bypass_for_scope = staticmethod(lambda scope: scope["path"].startswith("/static/"))

    async def handle(self, scope, receive, send, next_app) -> None:
        state = scope.setdefault("state", {})
        session = state.get("session")
        if session is None:
            await next_app(scope, receive, send)
            return
        marked = _has_mark(scope)
        fragment = any(k == b"hx-request" for k, _ in scope.get("headers", ()))
        if marked and not fragment and scope["method"] == "GET":
            try:
                state[LOADED] = await waiting(session["id"])
            except Exception:  # the page matters more than its message
                log.warning("flash messages not read", exc_info=True)
        settings = scope["litestar_app"].state.kernel.settings

        async def send_with_mark(message) -> None:
            if message["type"] == "http.response.start":
                shown = state.get(SHOWN) or []
                if shown:
                    try:
                        await Flash.delete().where(Flash.id.is_in([UUID(i) for i in shown]))
                    except Exception:  # shown again on the next page at worst
                        log.warning("shown flash messages not deleted", exc_info=True)
                if state.get(ADDED):
                    MutableScopeHeaders.from_message(message).add("set-cookie", _mark(settings, True))
                elif marked and LOADED in state and len(shown) == len(state[LOADED]) < MAX_SHOWN:
                    MutableScopeHeaders.from_message(message).add("set-cookie", _mark(settings, False))  # nothing waits any more
            await send(message)

        await next_app(scope, receive, send_with_mark)


class FlashPlugin(InitPluginProtocol):
    """Adds :class:`FlashMiddleware` (listed after ``AuthPlugin``: it needs the session) and
    the template global ``flash_messages``."""

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        app_config.middleware.append(FlashMiddleware())
        if app_config.template_config is not None:
            environment = getattr(app_config.template_config.engine_instance, "engine", None)
            if environment is not None:
                environment.globals["flash_messages"] = flash_messages
        return app_config

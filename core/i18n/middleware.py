"""Sets the language and the time zone of each request (see :mod:`core.i18n.negotiate`).

Runs after the auth middleware, so the signed-in user's saved choices are
known. The language goes into the context variable that ``_()`` and the
templates read, and into the principal (``principal.language``), which the
entity pages use to pick a field's ``{"en", "ru"}`` label. The time zone (the
user's choice, else the instance's setting) goes into its own context
variable, read by the formatting filters and the form inputs
(:mod:`core.i18n.timezones`), and into ``principal.timezone``.
"""

from __future__ import annotations

from litestar.config.app import AppConfig
from litestar.enums import ScopeType
from litestar.plugins import InitPluginProtocol
from litestar.middleware import ASGIMiddleware

from core.i18n import (_catalogs, reset_locale, reset_timezone, reset_timezone_own, set_catalogs, set_locale, set_timezone,
                       set_timezone_own)
from core.i18n.negotiate import COOKIE, choose
from core.i18n.timezones import effective_timezone
from core.web.cookies import scope_cookies


def _header(scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return ""


def _cookie(scope, name: str) -> str:
    # Parsed once per request, shared with the auth and flash middlewares; a malformed header is no 500.
    return scope_cookies(scope).get(name, "")


def scope_language(scope, saved: str = "") -> str:
    return choose(
        user=saved,
        cookie=_cookie(scope, COOKIE),
        header=_header(scope, b"accept-language"),
        default=scope["litestar_app"].state.kernel.settings.language,
    )


def scope_timezone(scope, saved: str = "") -> str:
    """The user's zone if they chose one this machine still knows, else the instance's."""
    return effective_timezone(saved, scope["litestar_app"].state.kernel.settings.timezone)


def ensure_language(scope) -> None:
    """For responses made before the middleware ran (the router's 404): the
    visitor's language from the cookie or browser, so the error page is theirs."""
    if "locale" in scope.get("state", {}):
        return
    set_locale(scope_language(scope))
    set_timezone(scope_timezone(scope))
    set_catalogs(scope["litestar_app"].state.catalogs)


class LocaleMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)
    should_bypass_for_scope = staticmethod(lambda scope: scope["path"].startswith("/static/"))

    async def handle(self, scope, receive, send, next_app) -> None:
        app = scope["litestar_app"]
        state = scope.setdefault("state", {})
        principal = state.get("principal")
        signed_in = principal is not None and principal.is_authenticated
        lang = scope_language(scope, principal.language if signed_in else "")
        tz = scope_timezone(scope, principal.timezone if signed_in else "")
        state["locale"] = lang
        state["timezone"] = tz
        if principal is not None:
            state["principal"] = principal.localized(lang, tz)  # kept on the principal: no copy per request
        token = set_locale(lang)
        tz_token = set_timezone(tz)
        own_token = set_timezone_own(signed_in and principal.timezone == tz)  # their saved zone, still known
        catalogs_token = set_catalogs(app.state.catalogs)
        try:
            await next_app(scope, receive, send)
        finally:
            _catalogs.reset(catalogs_token)
            reset_timezone_own(own_token)
            reset_timezone(tz_token)
            reset_locale(token)


class I18nPlugin(InitPluginProtocol):
    """Adds :class:`LocaleMiddleware`; listed after ``AuthPlugin`` so it runs inside it."""

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        app_config.middleware.append(LocaleMiddleware())
        return app_config

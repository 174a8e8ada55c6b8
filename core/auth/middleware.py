"""Authentication and CSRF, once per request, before the route's guards.

For every routed request (static files excepted) this middleware:

1. resolves who is asking — the session cookie ``klientela_session`` or an
   ``Authorization: Bearer kl_<prefix>_<secret>`` API token (a token wins
   when both are present) — and sets ``request.state.principal``
   (:data:`ANONYMOUS` when neither names a live session or usable token);
2. refuses (403) an unsafe method (POST, PUT, PATCH, DELETE) on a
   session-authenticated request whose CSRF token does not match the
   session's (``X-CSRF-Token`` header or ``_csrf`` form field). Token
   requests carry no cookies, so no browser can forge them: they are exempt;
   so is ``POST /login`` (``opt={"own_csrf": True}``), which checks its own
   double-submit token before anything else;
3. slides the session: at most once a minute it records activity and
   re-sends the cookie with a fresh idle max-age; a cookie naming no live
   session is cleared.

Principals are kept per session and per token between requests, in this
worker's memory, and used only while the principal stamp has not moved
(``core.auth.principal_cache``, ``core.auth.stamp``): an authenticated
request costs one primary-key read, not a rebuild from the database.

Authorization (which routes a principal may reach) is the guard's job
(``core.auth.guard``), which reads the principal set here.
"""

from __future__ import annotations

from litestar.connection import Request
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.utils.scope.state import ScopeState

from core.auth import principals, sessions
from core.auth.common import client_address, utcnow
from core.auth.csrf import SAFE_METHODS, submitted_token, tokens_match
from core.auth.guard import CsrfRefused
from core.auth.principal_cache import PrincipalCache
from core.auth.sessions import SESSION_COOKIE, Lifetimes
from core.permissions.principal import ANONYMOUS, Principal
from core.web.cookies import scope_cookies

TOKEN_TOUCH_EVERY = sessions.TOUCH_EVERY


def _bearer(scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            text = value.decode("latin-1")
            scheme, _, credentials = text.partition(" ")
            if scheme.lower() == "bearer" and credentials.strip():
                return credentials.strip()
            return None
    return None


class AuthMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)
    should_bypass_for_scope = staticmethod(lambda scope: scope["path"].startswith("/static/"))

    def __init__(self) -> None:
        self.principals = PrincipalCache()  # one per app, so per worker
        self._lifetimes: tuple[object, Lifetimes] | None = None

    def lifetimes(self, settings) -> Lifetimes:
        """The session lifetimes of the app's settings, worked out once."""
        if self._lifetimes is None or self._lifetimes[0] is not settings:
            self._lifetimes = (settings, Lifetimes.of(settings))
        return self._lifetimes[1]

    async def handle(self, scope, receive, send, next_app) -> None:
        settings = scope["litestar_app"].state.kernel.settings
        ip = client_address(scope, settings)
        state = scope.setdefault("state", {})
        now = utcnow()
        principal: Principal = ANONYMOUS
        cookie_out = None  # a Set-Cookie to add to the response, if the handler sets none

        raw_token = _bearer(scope)
        if raw_token is not None:
            principal = await self._token_principal(raw_token, ip, now)
        else:
            token = scope_cookies(scope).get(SESSION_COOKIE)  # parsed once, shared with i18n and flash
            if token:
                life = self.lifetimes(settings)
                entry = await self.principals.session(sessions.session_id(token), now, life)
                if entry is not None:
                    row = entry.row
                    principal = entry.principal_from(ip)
                    state["session"] = {"id": row["id"], "csrf_token": row["csrf_token"], "token": token}
                    state["csrf_token"] = row["csrf_token"]  # request.state.csrf_token, for templates' helpers
                    # Litestar's ``csrf_input`` template variable shows the same token.
                    ScopeState.from_scope(scope).csrf_token = row["csrf_token"]
                    if now - row["last_seen_at"] >= sessions.TOUCH_EVERY:
                        await sessions.touch(row["id"], now)
                        row["last_seen_at"] = now  # the kept row too, or every request would touch again
                        cookie_out = sessions.session_cookie(token, settings, sessions.cookie_max_age(row["expires_at"], now, life))
                else:
                    cookie_out = sessions.clear_session_cookie(settings)
        state["principal"] = principal
        state["client_ip"] = ip

        # ``opt={"own_csrf": True}``: the sign-in form, whose double-submit token
        # is checked by its handler. A browser holding a session (a second tab,
        # or a session an attacker planted) must still be able to sign in, which
        # replaces that session.
        own_csrf = scope.get("route_handler") is not None and scope["route_handler"].opt.get("own_csrf")
        if scope["method"] not in SAFE_METHODS and principal.via == "session" and not own_csrf:
            if not tokens_match(await submitted_token(Request(scope, receive)), state["session"]["csrf_token"]):
                raise CsrfRefused()

        if cookie_out is None:
            await next_app(scope, receive, send)
            return
        header_value = cookie_out.to_header(header="")

        async def send_with_cookie(message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                already = any(
                    v.startswith(f"{SESSION_COOKIE}=") for v in headers.getall("set-cookie", [])
                )
                if not already:
                    headers.add("set-cookie", header_value)
            await send(message)

        await next_app(scope, receive, send_with_cookie)

    async def _token_principal(self, raw: str, ip: str, now) -> Principal:
        parsed = principals.parse_token(raw)
        if parsed is None:
            return ANONYMOUS
        entry = await self.principals.token(parsed[0], parsed[1], now)
        if entry is None:
            return ANONYMOUS
        row = entry.row
        if row["last_used_at"] is None or now - row["last_used_at"] >= TOKEN_TOUCH_EVERY:
            from core.auth.tables import ApiToken

            await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == row["token_id"])
            row["last_used_at"] = now
        return entry.principal_from(ip)

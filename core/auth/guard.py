"""Route authorization: one app-level guard reading each handler's ``opt``.

* ``opt={"public": True}`` — anyone (login, health, static files);
* ``opt={"permission": "plugin.entity.action"}`` — a principal holding that
  permission at some scope (record scopes are the query gate's business);
* ``opt={"entity_action": "read"}`` — the generic entity routes: the
  permission ``<entity key>.<action>``, the key taken from ``opt["entity"]``,
  else the ``plugin`` and ``name`` path parameters (``/api/{plugin}/{name}``),
  else the entity whose URL the route lives under;
* ``opt={"authenticated": True}`` — any signed-in user (home, logout, one's
  own API tokens and password), and any API token that is not narrowed;
* a **narrowed** API token (one given a list of permissions) reaches only
  routes that require one of its permissions: an ``authenticated`` route
  names no permission, so it is closed to such a token (notifications, the
  home page and its widgets, jobs, search, one's account) unless the route
  also says ``opt={"any_token": True}`` — it concerns only the token itself
  (``/api/auth/me``);
* ``opt={"session_only": True}`` beside any of the above — only a browser
  session, never an API token: routes that mint a credential (a calendar
  feed URL) must not let a token — narrowed or not — turn itself into a
  longer-lived secret that acts as the whole user;
* anything else — nobody: an undeclared route is closed, not open (the route
  inventory test makes sure there is none).

Who is refused, and how:

* nobody signed in: an HTML page request gets 303 to ``/login?next=<path>``;
  an API/JSON or htmx request gets 401 (htmx also gets ``HX-Redirect``);
* signed in but lacking the permission: 404, exactly like a missing page
  (forbidden and missing look the same), and an ``authorization_failed``
  security event;
* signed in with a temporary password: HTML pages redirect to the password
  page until it is changed (``opt={"password_change": True}`` routes excepted).
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from litestar.exceptions import HTTPException, NotFoundException
from litestar.response import Redirect, Response

from core.auth import events
from core.permissions.request import principal_of

LOGIN_PATH = "/login"
PASSWORD_PATH = "/account/password"


class LoginRequired(HTTPException):
    status_code = 401
    detail = "Sign in first"


class PasswordChangeRequired(HTTPException):
    status_code = 403
    detail = "Choose a new password first"


class CsrfRefused(HTTPException):
    """An unsafe request from a session without its CSRF token (an old tab, a forged form)."""

    status_code = 403
    detail = "CSRF token missing or invalid: reload the page and try again"


def wants_html(request) -> bool:
    from core.web.api_errors import is_api_path

    if is_api_path(request.scope["path"]) or request.headers.get("hx-request"):
        return False
    accept = request.headers.get("accept", "")
    return not ("application/json" in accept and "text/html" not in accept)


def local_path(value: str | None, default: str = "/") -> str:
    """``next`` must be a path on this site: never a scheme, host or ``//``."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in value):
        return default
    return value


def login_url(request) -> str:
    """Where to sign in, coming back here afterwards (GET pages only)."""
    if request.method != "GET":
        return LOGIN_PATH
    target = request.scope["path"]
    query = request.scope.get("query_string", b"").decode("latin-1")
    if query:
        target += "?" + query
    if target == "/":
        return LOGIN_PATH
    return f"{LOGIN_PATH}?next={quote(target, safe='/')}"


def entity_key(connection, route_handler) -> str:
    key = route_handler.opt.get("entity")
    if key:
        return key
    params = connection.path_params
    if "plugin" in params and "name" in params:
        return f"{params['plugin']}.{params['name']}"
    path = connection.scope["path"]
    for entity in connection.app.state.kernel.entities.values():
        url = getattr(entity, "url", None)
        if url and (path == url or path.startswith(url.rstrip("/") + "/")):
            return entity.key
    return "unknown.entity"


async def authorize(connection, route_handler) -> None:
    opt = route_handler.opt
    if opt.get("public"):
        return
    principal = principal_of(connection)
    if not principal.is_authenticated:
        raise LoginRequired()
    if principal.must_change_password and not opt.get("password_change"):
        raise PasswordChangeRequired()
    if opt.get("session_only") and principal.via != "session":
        await _refuse(connection, principal, "session_only")
    openapi = connection.app.openapi_config
    if openapi is not None and connection.scope["path"].startswith(openapi.path):
        return  # Litestar's own OpenAPI endpoints: any signed-in user (the schema is not public)
    permission = opt.get("permission")
    if not permission and opt.get("entity_action"):
        permission = f"{entity_key(connection, route_handler)}.{opt['entity_action']}"
    if permission:
        if principal.can(permission):
            return
        await _refuse(connection, principal, permission)
    if opt.get("authenticated"):
        if principal.token_permissions is None or opt.get("any_token"):
            return
        # A narrowed token holds only the permissions it names, and this route names none.
        await _refuse(connection, principal, "narrowed_token")
    raise NotFoundException()


async def _refuse(connection, principal, permission: str) -> None:
    """A refused request: one ``authorization_failed`` audit row (S12), then 404 like a missing page."""
    await events.record(
        "authorization_failed",
        request=connection,
        principal=principal,
        detail={"method": connection.scope.get("method", ""), "path": connection.scope["path"], "permission": permission},
    )
    raise NotFoundException()


def login_required_handler(request, exc: LoginRequired) -> Response:
    url = login_url(request)
    if wants_html(request):
        return Redirect(path=url, status_code=303)
    headers = {"WWW-Authenticate": 'Bearer realm="klientela"'}
    if request.headers.get("hx-request"):
        headers["HX-Redirect"] = url
    return Response({"status_code": 401, "detail": "Sign in first, or send an API token"}, status_code=401, headers=headers)


def password_change_handler(request, exc: PasswordChangeRequired) -> Response:
    if wants_html(request):
        return Redirect(path=PASSWORD_PATH, status_code=303)
    headers = {"HX-Redirect": PASSWORD_PATH} if request.headers.get("hx-request") else {}
    return Response({"status_code": 403, "detail": exc.detail}, status_code=403, headers=headers)


def csrf_refused_handler(request, exc: CsrfRefused) -> Response:
    """A page in the user's language for a browser (the usual cause is a form
    left open past its session); JSON for the API and htmx."""
    from core.i18n import _
    from core.i18n.middleware import ensure_language

    ensure_language(request.scope)  # the refusal comes before the language middleware runs
    message = _("This form has expired or did not come from Klientela. Reload the page and try again; nothing was changed.")
    if wants_html(request):
        from litestar.response import Template

        return Template(template_name="core/refused.html", context={"message": message}, status_code=403)
    return Response({"status_code": 403, "detail": message}, status_code=403)

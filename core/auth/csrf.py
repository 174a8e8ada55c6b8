"""CSRF protection: a synchronizer token per session.

* Each session row holds a random ``csrf_token``, created with the session,
  so it changes at every login.
* Every unsafe request (POST, PUT, PATCH, DELETE) made with a session
  cookie must carry it, in the ``X-CSRF-Token`` header (htmx: the layout
  loads ``/static/core/csrf.js``, which adds the header to every htmx
  request) or in a ``_csrf`` form field (plain forms:
  ``<input type="hidden" name="_csrf" value="{{ csrf_token(request) }}">``).
  Otherwise the middleware answers 403 before any handler runs, so nothing
  changes.
* Requests authenticated by an API token carry no cookie a browser would
  attach on its own, so they need no CSRF token.
* GET, HEAD and OPTIONS never change data (a rule for every handler; the
  route inventory test lists them), so they are not checked.
* The login form, before any session exists, uses a double-submit cookie
  (``klientela_login_csrf``, see ``core.auth.web``) so a foreign site cannot
  sign a victim into an attacker's account.
"""

from __future__ import annotations

import hmac
import secrets

from jinja2 import pass_context

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
HEADER = "x-csrf-token"
FIELD = "_csrf"
LITESTAR_FIELD = "_csrf_token"  # what Litestar's ``csrf_input`` template variable names it
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def tokens_match(given: str | None, expected: str | None) -> bool:
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


async def submitted_token(request) -> str | None:
    """The header, else the ``_csrf`` field of a form body (parsed once, cached for the handler)."""
    header = request.headers.get(HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(FORM_TYPES):
        form = await request.form()
        value = form.get(FIELD) or form.get(LITESTAR_FIELD)
        return value if isinstance(value, str) else None
    return None


def session_token(request) -> str:
    """The current session's token ("" without a session)."""
    if request is None:
        return ""
    session = request.scope.get("state", {}).get("session")
    return session["csrf_token"] if session else ""


@pass_context
def csrf_token(context, request=None) -> str:
    """Template global ``csrf_token(request)`` (``csrf_token()`` works too).

    It replaces Litestar's own global of that name, which takes no argument
    and knows only Litestar's CSRF middleware (not used here).
    """
    return session_token(request if request is not None else context.get("request"))

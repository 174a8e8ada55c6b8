"""The request's cookies, parsed once per request whoever asks.

The auth middleware (the session cookie), the language middleware (the
language cookie) and the flash middleware (its mark) each need a cookie of
the same ``Cookie`` header. They read it here: parsed once per request by
Litestar's own parser (the one behind ``request.cookies``, which remembers
recent headers) and kept in the scope's state, where ``request.cookies``
finds it too. Parsing with ``http.cookies.SimpleCookie`` cost ~8 µs a time,
and building ``request.headers`` to reach the header ~5 µs.
"""

from __future__ import annotations

from litestar._parsers import parse_cookie_string  # what Request.cookies uses (litestar.connection.base)
from litestar.types import Empty
from litestar.utils.scope.state import ScopeState


def scope_cookies(scope) -> dict[str, str]:
    """The cookies of the request ``scope``, name -> value (read-only: the dict is shared).
    A malformed header gives what can be read of it, never an error."""
    state = ScopeState.from_scope(scope)
    if state.cookies is Empty:
        raw = next((value for name, value in scope.get("headers", ()) if name == b"cookie"), None)
        state.cookies = parse_cookie_string(raw.decode("latin-1")) if raw else {}
    return state.cookies

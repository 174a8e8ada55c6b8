"""Security headers on every response, error pages and files included.

The CSP allows scripts and styles from this origin only (no inline script, no
eval); pages start their JavaScript from files. htmx's own config (meta tag in
the layout) keeps requests to this origin and never evaluates script.

The headers are added as the response starts (a ``before_send`` hook on the
ASGI message), not in ``after_request``: Litestar's exception handlers build
404, 403, 400 and 500 answers outside the handler's response path, and those
pages are the full shell (the user's name, the CSRF meta tag) that must not be
framed or sniffed any more than the rest.

Caching: every answer except static assets is ``Cache-Control: no-store``
(signed-in pages, API answers, export files, error pages, the sign-in form),
so a shared or back-button cache never keeps a person's data. A handler that
sets its own ``Cache-Control`` keeps it (the calendar feed, reached by a
secret URL, lets a calendar app cache it for five minutes); ``/static/``
keeps the static files' own caching (ETag, Last-Modified).
"""

from litestar.datastructures import MutableScopeHeaders

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
NO_STORE = "no-store"
STATIC_PREFIX = "/static/"


async def security_headers(message, scope) -> None:
    """``before_send`` hook: the headers go on every HTTP response as it starts."""
    if message.get("type") != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    for key, value in HEADERS.items():
        if key not in headers:
            headers[key] = value
    if "Cache-Control" not in headers and not scope.get("path", "").startswith(STATIC_PREFIX):
        headers["Cache-Control"] = NO_STORE

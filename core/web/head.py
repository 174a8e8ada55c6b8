"""``HEAD`` answered wherever ``GET`` is: uptime monitors and link checkers probe with HEAD.

Litestar routes a method only to handlers declared for it, so a ``@get``
page answers HEAD with 405. Rather than declare HEAD on every handler (and
on every plugin's), the app's ASGI handler is wrapped once: a HEAD request
runs as the GET it stands for — same guards, redirects, status and headers,
``Content-Length`` included — and the body is dropped on the way out
(RFC 9110, 9.3.2). Routes that declare HEAD themselves (static files) get
the same treatment, which answers them identically.
"""

from __future__ import annotations


def head_as_get(app):
    async def handler(scope, receive, send):
        if scope.get("type") != "http" or scope.get("method") != "HEAD":
            await app(scope, receive, send)
            return
        scope = {**scope, "method": "GET"}

        async def bodiless(message):
            if message.get("type") == "http.response.body":
                if message.get("more_body", False):
                    return  # drop the chunk; the last one (more_body False) ends the response
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await app(scope, receive, bodiless)

    return handler

"""Notification routes: the list page, the live stream, the counter, mark read.

All are open to any signed-in user and act on that user's own notifications
only; another user's notification answers 404 like a missing one.
"""

from __future__ import annotations

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, ServerSentEvent, Template

from core.notifications import api
from core.notifications.stream import DEFAULT_TIMING, events, last_seen
from core.permissions.request import principal_of

OPT = {"authenticated": True}
COUNT_TEMPLATE = "core/notifications/count.html"
TOAST_TEMPLATE = "core/notifications/toast.html"


def _user(request: Request):
    return principal_of(request).user_id


def _render(request: Request, name: str, **context) -> str:
    env = request.app.template_engine.engine
    return env.get_template(name).render(request=request, **context)


def _htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


@get("/notifications", name="core:notifications", opt=OPT, include_in_schema=False)
async def notifications_page(request: Request, before: FromQuery[str | None] = None, unread: FromQuery[bool] = False) -> Template:
    user = _user(request)
    try:
        rows = await api.latest(user, before=before, unread_only=unread, limit=api.PAGE + 1)
    except api.NotificationError:
        rows = []  # a mangled "before" cursor: show the first page rather than an error
    more = len(rows) > api.PAGE
    rows = rows[: api.PAGE]
    return Template(template_name="core/notifications/list.html", context={
        "rows": rows, "unread": unread, "older": str(rows[-1]["id"]) if more else None,
        "unread_count": await api.unread_count(user),
    })


@get("/notifications/count", name="core:notifications-count", opt=OPT, include_in_schema=False)
async def notifications_count(request: Request) -> Template:
    """The counter's markup: what the polling fallback asks for when server-sent events are unavailable."""
    return Template(template_name=COUNT_TEMPLATE, context={"count": await api.unread_count(_user(request))})


@get("/notifications/stream", name="core:notifications-stream", opt=OPT, include_in_schema=False)
async def notifications_stream(request: Request) -> ServerSentEvent:
    user = _user(request)
    timing = getattr(request.app.state, "notification_stream", DEFAULT_TIMING)
    stream = events(
        user,
        lambda count: _render(request, COUNT_TEMPLATE, count=count),
        lambda row: _render(request, TOAST_TEMPLATE, n=row),
        since=last_seen(request.headers.get("last-event-id")),
        timing=timing,
    )
    # No proxy buffering: a buffered event stream arrives all at once, or never.
    return ServerSentEvent(stream, headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


@post("/notifications/{notification_id:str}/open", name="core:notification-open", opt=OPT, status_code=303)
async def open_notification(request: Request, notification_id: FromPath[str]) -> Redirect:
    """Mark it read and go where it points (a POST: a GET never changes data)."""
    user = _user(request)
    row = await api.get(user, notification_id)
    if row is None:
        raise NotFoundException()
    await api.mark_read(user, [row["id"]])
    return Redirect(path=row["url"] or "/notifications", status_code=303)


@post("/notifications/{notification_id:str}/read", name="core:notification-read", opt=OPT, status_code=200)
async def read_one(request: Request, notification_id: FromPath[str]) -> Template | Redirect:
    user = _user(request)
    row = await api.get(user, notification_id)
    if row is None:
        raise NotFoundException()
    await api.mark_read(user, [row["id"]])
    if not _htmx(request):
        return Redirect(path="/notifications", status_code=303)
    row = await api.get(user, notification_id)
    return Template(template_name="core/notifications/item.html",
                    context={"n": row, "count": await api.unread_count(user), "oob_count": True})


@post("/notifications/read-all", name="core:notifications-read-all", opt=OPT, status_code=303)
async def read_all(request: Request) -> Redirect:
    await api.mark_all_read(_user(request))
    return Redirect(path="/notifications", status_code=303)


ROUTES = [notifications_page, notifications_count, notifications_stream, open_notification, read_one, read_all]

"""Routes of the iCalendar feed (every edition with the calendar) and of the
iCalendar/vCard files (the Outlook integration, feature ``outlook_sync``)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Response, Template

from core.permissions.errors import Invalid
from core.permissions.request import principal_of
from plugins.contacts import ical

MAX_UPLOAD = 5 * 1024 * 1024


class FeedScreens(Controller):
    path = "/contacts/feed"
    opt = {"feature": "contacts.calendar"}

    @get("/", opt={"permission": "contacts.interaction.read"}, name="contacts:feed-page")
    async def page(self, request: Request) -> Template:
        principal = principal_of(request)
        return Template("contacts/calendar/subscribe.html", context={"has_feed": await ical.has_feed(principal.user_id), "url": None})

    # A feed URL reads as the whole user, for good: made by the person at the browser, never by an API token.
    @post("/", opt={"permission": "contacts.interaction.read", "session_only": True}, name="contacts:feed-new", status_code=200)
    async def new(self, request: Request) -> Template:
        token = await ical.new_feed_token(principal_of(request).user_id)
        url = str(request.base_url).rstrip("/") + f"/contacts/feed/{token}.ics"
        return Template("contacts/calendar/subscribe.html", context={"has_feed": True, "url": url})

    @get("/{token:str}", opt={"public": True}, name="contacts:feed")
    async def feed(self, request: Request, token: FromPath[str]) -> Response:
        principal = await ical.feed_principal(token.removesuffix(".ics"))
        if principal is None:
            raise NotFoundException()
        start, end = ical.feed_window()
        body = await ical.calendar_for(request.app.state.kernel, principal, start, end)
        return Response(body, media_type="text/calendar; charset=utf-8", headers={"Cache-Control": "private, max-age=300"})


async def _upload(request: Request) -> bytes:
    form = await request.form()
    upload = form.get("file")
    if upload is None or not hasattr(upload, "read"):
        raise Invalid({"file": "choose a file"})
    data = await upload.read()
    if len(data) > MAX_UPLOAD:
        raise Invalid({"file": f"the file is larger than {MAX_UPLOAD // (1024 * 1024)} MB"})
    return data


class SyncScreens(Controller):
    path = "/contacts/sync"
    opt = {"feature": "contacts.outlook_sync"}

    @get("/", opt={"permission": "contacts.interaction.read"}, name="contacts:sync")
    async def page(self, request: Request) -> Template:
        return Template("contacts/calendar/sync.html", context={"result": None})

    @get("/calendar.ics", opt={"permission": "contacts.interaction.export"}, name="contacts:sync-ics")
    async def export_ics(self, request: Request) -> Response:
        try:
            first = date.fromisoformat(request.query_params.get("from") or (date.today() - timedelta(days=30)).isoformat())
            last = date.fromisoformat(request.query_params.get("to") or (date.today() + timedelta(days=365)).isoformat())
        except ValueError:
            return Response({"errors": {"from": "dates look like 2026-05-31"}}, status_code=400)
        body = await ical.calendar_for(request.app.state.kernel, principal_of(request),
                                       datetime.combine(first, time(0), timezone.utc), datetime.combine(last + timedelta(days=1), time(0), timezone.utc),
                                       mine_only=request.query_params.get("all") != "1", action="export")
        return Response(body, media_type="text/calendar; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="klientela.ics"'})

    @get("/contacts.vcf", opt={"permission": "contacts.contact.export"}, name="contacts:sync-vcf")
    async def export_vcf(self, request: Request) -> Response:
        body = await ical.vcards(request.app.state.kernel, principal_of(request), request.query_params.get("q", ""))
        return Response(body, media_type="text/vcard; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="contacts.vcf"'})

    @post("/calendar", opt={"permission": "contacts.interaction.create"}, name="contacts:sync-ics-import")
    async def import_ics(self, request: Request) -> Template:
        try:
            result = await ical.import_calendar(request.app.state.kernel, principal_of(request), await _upload(request))
        except Invalid as exc:
            return Template("contacts/calendar/sync.html", context={"result": {"created": 0, "errors": [{"errors": exc.errors}]}}, status_code=400)
        return Template("contacts/calendar/sync.html", context={"result": result}, status_code=200 if not result["errors"] else 422)

    @post("/contacts", opt={"permission": "contacts.contact.import"}, name="contacts:sync-vcf-import")
    async def import_vcf(self, request: Request) -> Template:
        try:
            data = await _upload(request)
            result = await ical.import_vcards(request.app.state.kernel, principal_of(request), data.decode("utf-8", "replace"))
        except Invalid as exc:
            return Template("contacts/calendar/sync.html", context={"result": {"created": 0, "errors": [{"errors": exc.errors}]}}, status_code=400)
        return Template("contacts/calendar/sync.html", context={"result": result}, status_code=200 if not result["errors"] else 422)

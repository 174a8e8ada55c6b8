"""The calendar: day, week and month time grids, a team view and the agenda list.

For one user (default: me) or a team (its members' work, one column each).
The page always carries the agenda — a plain list of the period, the view
without JavaScript; with it, calendar.js draws EventCalendar's grids (npm
``@event-calendar/build``, served from /static/vendor/event-calendar) over
the JSON feed of :mod:`plugins.contacts.calendar_feed`. Everything is read
through the query gate as the viewer, so a team calendar shows only what
the viewer may see of their colleagues' work. Dragging or resizing an
interaction is a POST to ``/move`` with the version the viewer saw
(optimistic locking: a stale drag is refused with 409 and the grid puts
the event back).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from uuid import UUID

import json

from litestar import Controller, Request, get, post
from litestar.exceptions import HTTPException
from litestar.response import Response, Template

from core.auth.tables import Team, TeamMember, User
from core.entities.sql import Filter
from core.i18n import _
from core.i18n.timezones import day_bounds, to_zone, today, zone
from core.permissions.errors import Conflict, Invalid, Refused
from core.permissions.gate import Gate
from core.permissions.request import principal_of
from plugins.contacts import reading
from plugins.contacts.calendar_feed import grid_events, parse_local, visible_range
from plugins.contacts.events import next_occurrence
from plugins.contacts.entities import INTERACTION

VIEWS = ("day", "week", "month", "team", "agenda")
# EventCalendar's view for each of ours (a team is shown by resourceTimeGrid*, one column per member).
GRID_VIEWS = {"day": "timeGridDay", "week": "timeGridWeek", "month": "dayGridMonth", "team": "timeGridDay", "agenda": "timeGridWeek"}


def period(view: str, anchor: date) -> tuple[date, date]:
    """First and last day shown (weeks start on Monday; a month shows whole weeks).
    The team view is a day; the agenda a week."""
    if view in ("day", "team"):
        return anchor, anchor
    if view in ("week", "agenda"):
        start = anchor - timedelta(days=anchor.weekday())
        return start, start + timedelta(days=6)
    first = anchor.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first - timedelta(days=first.weekday()), last + timedelta(days=6 - last.weekday())


def step(view: str, anchor: date, sign: int) -> date:
    if view in ("day", "team"):
        return anchor + timedelta(days=sign)
    if view in ("week", "agenda"):
        return anchor + timedelta(days=7 * sign)
    month = anchor.month - 1 + sign
    return date(anchor.year + month // 12, month % 12 + 1, 1)


def _uuid_or_400(value: str | None, name: str) -> str | None:
    if not value:
        return None
    try:
        return str(UUID(value))
    except ValueError:
        raise HTTPException(status_code=400, detail=_("{name} must be an id from the calendar's menu").format(name=name)) from None


async def owners_for(request: Request, principal) -> tuple[list[str], dict]:
    """Whose calendar: ``?team=<id>`` (its members), ``?user=<id>``, or the viewer."""
    team_id = _uuid_or_400(request.query_params.get("team"), "team")
    user_id = _uuid_or_400(request.query_params.get("user"), "user")
    if team_id:
        members = await TeamMember.select(TeamMember.user).where(TeamMember.team == team_id)
        return [str(m["user"]) for m in members], {"team": team_id}
    return [user_id or str(principal.user_id)], {"user": user_id} if user_id else {}


async def resources_of(owners: list[str]) -> list[dict]:
    """The team view's columns: one per member, by name."""
    if not owners:
        return []
    people = await User.select(User.id, User.name, User.email).where(User.id.is_in(owners)).order_by(User.name)
    return [{"id": str(u["id"]), "title": u["name"] or u["email"]} for u in people]


async def items(kernel, principal, owners: list[str], first: date, last: date) -> dict[date, list[dict]]:
    """What falls on each day, the days and times being the viewer's (the request's zone)."""
    start, end = day_bounds(first, last)
    by_day: dict[date, list[dict]] = {}
    owner_filter = Filter("owner_id", "in", ",".join(owners))
    lang = principal.language
    for r in await reading.all_rows(kernel, "contacts.interaction", principal, [
            owner_filter, ("starts_at", "gte", start.isoformat()), ("starts_at", "lt", end.isoformat())], ["starts_at"]):
        at = to_zone(r["starts_at"])
        by_day.setdefault(at.date(), []).append({
            "type": "interaction", "id": r["id"], "version": r["version"], "title": r["subject"],
            "time": at.strftime("%H:%M"), "status": r["status"],
            "kind": INTERACTION.field("kind").choice_label(r["kind"], lang), "url": f"/contacts/interaction/{r['id']}"})
    for r in await reading.all_rows(kernel, "contacts.task", principal, [
            owner_filter, ("deadline", "gte", start.isoformat()), ("deadline", "lt", end.isoformat())], ["deadline"]):
        at = to_zone(r["deadline"])
        by_day.setdefault(at.date(), []).append({
            "type": "task", "id": r["id"], "title": r["title"], "time": at.strftime("%H:%M"),
            "status": r["status"], "kind": "", "url": f"/contacts/task/{r['id']}"})
    for e in await reading.all_rows(kernel, "contacts.event", principal, [owner_filter]):
        nxt = next_occurrence(e, first)
        if nxt is not None and nxt <= last:
            by_day.setdefault(nxt, []).append({"type": "event", "id": e["id"], "title": e["title"], "time": "",
                                               "status": "", "kind": "", "url": f"/contacts/event/{e['id']}"})
    return by_day


def grid_labels() -> dict:
    """EventCalendar's own words, in the viewer's language (its day and month names come from ``locale``)."""
    return {
        "buttonText": {"today": _("Today"), "timeGridDay": _("Day"), "timeGridWeek": _("Week"), "dayGridMonth": _("Month"),
                       "resourceTimeGridDay": _("Day"), "resourceTimeGridWeek": _("Week"),
                       "prev": _("Earlier"), "next": _("Later")},
        "allDay": _("All day"), "more": _("+{n} more"), "noEvents": _("Nothing in this period."),
        "moved": _("Moved."), "failed": _("Not moved."), "offline": _("Not moved: no connection."),
        "conflict": _("Someone changed this entry meanwhile, so it is back where it was. Reload the page to see their change."),
        "allDayRefused": _("A meeting needs a time: drop it on the hours, not on “All day”."),
    }


async def teams_of(principal) -> list[dict]:
    mine = await TeamMember.select(TeamMember.team).where(TeamMember.user == principal.user_id).output(as_list=True)
    return await Team.select(Team.id, Team.name).where(Team.id.is_in(mine)).order_by(Team.name) if mine else []


class CalendarScreens(Controller):
    path = "/contacts/calendar"
    opt = {"feature": "contacts.calendar"}

    @get("/", opt={"permission": "contacts.interaction.read"}, name="contacts:calendar")
    async def show(self, request: Request) -> Template:
        principal = principal_of(request)
        view = request.query_params.get("view", "week")
        if view not in VIEWS:
            raise HTTPException(status_code=400, detail=_("view must be one of {views}").format(views=", ".join(VIEWS)))
        try:
            anchor = date.fromisoformat(request.query_params.get("date") or today().isoformat())
        except ValueError:
            raise HTTPException(status_code=400, detail=_("date must look like 2026-05-31")) from None
        teams = await teams_of(principal)
        first, last = period(view, anchor)
        owners, who = await owners_for(request, principal)
        if view == "team" and "team" not in who and teams:
            # The team view without ?team= shows the viewer's first team.
            who = {"team": str(teams[0]["id"])}
            owners = [str(m) for m in await TeamMember.select(TeamMember.user).where(
                TeamMember.team == teams[0]["id"]).output(as_list=True)]
        by_day = await items(request.app.state.kernel, principal, owners, first, last)
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        users = await User.select(User.id, User.name, User.email).where(User.is_active == True).order_by(User.name)  # noqa: E712
        can_move = principal.can("contacts.interaction.write")
        whose_query = "&".join(f"{k}={v}" for k, v in who.items())
        team_view = "team" in who
        grid = {
            "feed": "/contacts/calendar/events" + (f"?{whose_query}" if whose_query else ""),
            "move": "/contacts/calendar/move" if can_move else "",
            "create": "/contacts/interaction/new" if principal.can("contacts.interaction.create") else "",
            "view": GRID_VIEWS[view] if not team_view else
                    ("resourceTimeGridWeek" if view in ("week", "month") else "resourceTimeGridDay"),
            "team": team_view, "me": str(principal.user_id), "date": anchor.isoformat(), "locale": principal.language or "en",
            "firstDay": 1,  # weeks start on Monday, as in the agenda (ISO 8601, and Russia's calendars)
            "resources": await resources_of(owners) if team_view else [],
            "labels": grid_labels(),
        }
        return Template("contacts/calendar/calendar.html", context={
            "view": view, "anchor": anchor, "days": days, "by_day": by_day, "today": today(),
            "prev": step(view, anchor, -1), "next": step(view, anchor, 1), "whose": who,
            "whose_query": whose_query, "teams": teams, "users": users,
            "can_move": can_move, "can_create": bool(grid["create"]), "month": anchor.month,
            "grid_json": json.dumps(grid, ensure_ascii=False)})

    @get("/events", opt={"permission": "contacts.interaction.read"}, name="contacts:calendar-events")
    async def events(self, request: Request) -> Response:
        """The grid's feed: ``start`` and ``end`` (exclusive) of the visible range, and whose (``user``/``team``)."""
        principal = principal_of(request)
        try:
            first, last = visible_range(request.query_params.get("start", ""), request.query_params.get("end", ""))
        except ValueError as exc:
            detail = str(exc) if "range" in str(exc) else _("start and end must be dates like 2026-05-31")
            return Response({"errors": {"start": detail}}, status_code=400)
        owners, _who = await owners_for(request, principal)
        return Response(await grid_events(request.app.state.kernel, principal, owners, first, last))

    @post("/move", opt={"permission": "contacts.interaction.write"}, name="contacts:calendar-move", status_code=200)
    async def move(self, request: Request) -> Response:
        """Move or resize an interaction: ``id``, ``version`` and either ``start`` (and ``end``, to
        resize; ``owner``, to give it to a colleague in the team view), on the viewer's clock, or
        ``date`` (another day, the same time of day: the agenda's drag)."""
        form = await request.form()
        gate = await Gate.open(request.app.state.kernel, "contacts.interaction", principal_of(request))
        try:
            version = int(form.get("version") or "")
            starts = parse_local(form["start"]) if form.get("start") else None
            ends = parse_local(form["end"]) if form.get("end") else None
            day = date.fromisoformat(form.get("date") or "") if starts is None else None
        except ValueError:
            return Response({"errors": {"start": _("send the version and a start like 2026-05-31T09:30 (or a date)")}}, status_code=400)
        current = await gate.get(form.get("id") or "", action="write")
        if starts is None:
            # The same time of day on the viewer's clock (09:00 for an interaction without one):
            # in a zone with daylight saving the UTC offset of the new day may differ.
            old = to_zone(current["starts_at"]).time() if current.get("starts_at") else time(9)
            starts = datetime.combine(day, old, zone())
        changes: dict = {"starts_at": starts}
        if ends is not None:
            minutes = round((ends - starts).total_seconds() / 60)
            if minutes <= 0:
                return Response({"errors": {"end": _("the end must come after the start")}}, status_code=400)
            changes["duration_minutes"] = minutes
        if form.get("owner") and form["owner"] != str(current.get("owner_id") or ""):
            changes["owner_id"] = form["owner"]
        try:
            row = await gate.update(current["id"], changes, version)
        except Conflict:
            return Response({"errors": {"version": grid_labels()["conflict"]}}, status_code=409)
        except (Invalid, Refused) as exc:
            return Response({"errors": exc.errors}, status_code=400)
        return Response({"id": str(row["id"]), "version": row["version"], "starts_at": row["starts_at"].isoformat(),
                         "duration_minutes": row.get("duration_minutes")})

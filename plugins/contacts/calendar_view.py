"""The calendar: day, week and month of interactions, deadlines and significant dates.

For one user (default: me) or a team (its members' work). Everything is
read through the query gate as the viewer, so a team calendar shows only
what the viewer may see of their colleagues' work. Dragging an interaction
to another day moves it there at the same time of day (optimistic locking:
a stale drag is refused with 409).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from litestar import Controller, Request, get, post
from litestar.exceptions import HTTPException
from litestar.response import Response, Template

from core.auth.tables import Team, TeamMember, User
from core.entities.sql import Filter
from core.i18n.timezones import day_bounds, to_zone, today, zone
from core.permissions.errors import Conflict, Invalid, Refused
from core.permissions.gate import Gate
from core.permissions.request import principal_of
from plugins.contacts import reading
from plugins.contacts.events import next_occurrence
from plugins.contacts.entities import INTERACTION

VIEWS = ("day", "week", "month")


def period(view: str, anchor: date) -> tuple[date, date]:
    """First and last day shown (weeks start on Monday; a month shows whole weeks)."""
    if view == "day":
        return anchor, anchor
    if view == "week":
        start = anchor - timedelta(days=anchor.weekday())
        return start, start + timedelta(days=6)
    first = anchor.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first - timedelta(days=first.weekday()), last + timedelta(days=6 - last.weekday())


def step(view: str, anchor: date, sign: int) -> date:
    if view == "day":
        return anchor + timedelta(days=sign)
    if view == "week":
        return anchor + timedelta(days=7 * sign)
    month = anchor.month - 1 + sign
    return date(anchor.year + month // 12, month % 12 + 1, 1)


async def owners_for(request: Request, principal) -> tuple[list[str], dict]:
    """Whose calendar: ``?team=<id>`` (its members), ``?user=<id>``, or the viewer."""
    team_id, user_id = request.query_params.get("team"), request.query_params.get("user")
    if team_id:
        members = await TeamMember.select(TeamMember.user).where(TeamMember.team == team_id)
        return [str(m["user"]) for m in members], {"team": team_id}
    return [user_id or str(principal.user_id)], {"user": user_id} if user_id else {}


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


class CalendarScreens(Controller):
    path = "/contacts/calendar"
    opt = {"feature": "contacts.calendar"}

    @get("/", opt={"permission": "contacts.interaction.read"}, name="contacts:calendar")
    async def show(self, request: Request) -> Template:
        principal = principal_of(request)
        view = request.query_params.get("view", "week")
        if view not in VIEWS:
            raise HTTPException(status_code=400, detail=f"view must be one of {', '.join(VIEWS)}")
        try:
            anchor = date.fromisoformat(request.query_params.get("date") or today().isoformat())
        except ValueError:
            raise HTTPException(status_code=400, detail="date must look like 2026-05-31") from None
        first, last = period(view, anchor)
        owners, who = await owners_for(request, principal)
        by_day = await items(request.app.state.kernel, principal, owners, first, last)
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        mine = await TeamMember.select(TeamMember.team).where(TeamMember.user == principal.user_id).output(as_list=True)
        teams = await Team.select(Team.id, Team.name).where(Team.id.is_in(mine)).order_by(Team.name) if mine else []
        users = await User.select(User.id, User.name, User.email).where(User.is_active == True).order_by(User.name)  # noqa: E712
        can_move = principal.can("contacts.interaction.write")
        return Template("contacts/calendar/calendar.html", context={
            "view": view, "anchor": anchor, "days": days, "by_day": by_day, "today": today(),
            "prev": step(view, anchor, -1), "next": step(view, anchor, 1), "whose": who,
            "whose_query": "&".join(f"{k}={v}" for k, v in who.items()), "teams": teams, "users": users,
            "can_move": can_move, "month": anchor.month})

    @post("/move", opt={"permission": "contacts.interaction.write"}, name="contacts:calendar-move", status_code=200)
    async def move(self, request: Request) -> Response:
        """Move an interaction to another day (same time of day): ``id``, ``version``, ``date``."""
        form = await request.form()
        gate = await Gate.open(request.app.state.kernel, "contacts.interaction", principal_of(request))
        try:
            day = date.fromisoformat(form.get("date") or "")
            version = int(form.get("version") or "")
        except ValueError:
            return Response({"errors": {"date": "send date (YYYY-MM-DD) and version"}}, status_code=400)
        current = await gate.get(form.get("id") or "", action="write")
        # The same time of day on the viewer's clock (09:00 for an interaction without one):
        # in a zone with daylight saving the UTC offset of the new day may differ.
        old = to_zone(current["starts_at"]).time() if current.get("starts_at") else time(9)
        moved = datetime.combine(day, old, zone())
        try:
            row = await gate.update(current["id"], {"starts_at": moved}, version)
        except Conflict:
            return Response({"errors": {"version": "changed by someone else meanwhile; reload"}}, status_code=409)
        except (Invalid, Refused) as exc:
            return Response({"errors": exc.errors}, status_code=400)
        return Response({"id": str(row["id"]), "version": row["version"], "starts_at": row["starts_at"].isoformat()})

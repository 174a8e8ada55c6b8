"""The calendar grid's events as JSON for EventCalendar, read through the gate for the visible range.

Times go out as the viewer's wall clock with no offset ("2031-06-02T09:15"):
EventCalendar shows such a "floating" time as it is, so the grid shows the
user's clock whatever zone the browser is in, and a drop or a click comes
back on that same clock (:func:`parse_local`). Each event says whether the
viewer may move it (their write scope reaches its owner), so drag is offered
only there; the gate decides again on the move itself.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from uuid import UUID

from core.i18n import _
from core.i18n.timezones import day_bounds, to_zone, zone
from core.entities.sql import Filter
from plugins.contacts import reading
from plugins.contacts.entities import INTERACTION
from plugins.contacts.events import next_occurrence

DEFAULT_MINUTES = 30  # an interaction without a duration still gets a visible block
MAX_DAYS = 62  # a month view with its leading and trailing weeks fits; more is refused


def parse_local(text: str) -> datetime:
    """A date or date-time from the grid, read on the viewer's clock (an explicit offset is honoured).

    Raises ValueError for anything else.
    """
    text = (text or "").strip()
    if "T" not in text and " " not in text:
        return datetime.combine(date.fromisoformat(text), time(), zone())
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value.astimezone(zone()) if value.tzinfo else value.replace(tzinfo=zone())


def wall_clock(value: datetime) -> str:
    """The instant on the viewer's clock, without an offset (a floating time for the grid)."""
    return to_zone(value).replace(tzinfo=None).isoformat(timespec="minutes")


def visible_range(start: str, end: str) -> tuple[date, date]:
    """First and last day the grid asks for (``end`` is exclusive); ValueError when unreadable or too long."""
    first = parse_local(start).date()
    last = parse_local(end).date()
    if parse_local(end).time() == time():
        last -= timedelta(days=1)
    if last < first or (last - first).days > MAX_DAYS:
        raise ValueError(_("the range must be from 1 to {n} days").format(n=MAX_DAYS + 1))
    return first, last


def may_move(principal, owner_id) -> bool:
    """Whether the viewer's write scope reaches an interaction of ``owner_id`` (a hint for the
    grid: drag is offered only there; the gate checks the move itself)."""
    owner = owner_id if owner_id is None or isinstance(owner_id, UUID) else UUID(str(owner_id))
    return principal.can_write_field("contacts.interaction", "starts_at") and principal.reaches("contacts.interaction.write", owner)


async def grid_events(kernel, principal, owners: list[str], first: date, last: date) -> list[dict]:
    """Interactions (movable where the viewer may write them), task deadlines and significant dates."""
    start, end = day_bounds(first, last)
    owner_filter = Filter("owner_id", "in", ",".join(owners))
    lang = principal.language
    out = []
    for r in await reading.all_rows(kernel, "contacts.interaction", principal, [
            owner_filter, ("starts_at", "gte", start.isoformat()), ("starts_at", "lt", end.isoformat())], ["starts_at"]):
        begins = r["starts_at"]
        ends = begins + timedelta(minutes=r.get("duration_minutes") or DEFAULT_MINUTES)
        kind = INTERACTION.field("kind").choice_label(r["kind"], lang) if r.get("kind") else ""
        out.append({
            "id": f"interaction:{r['id']}", "title": f"{kind}: {r['subject']}" if kind else r["subject"],
            "start": wall_clock(begins), "end": wall_clock(ends),
            "editable": may_move(principal, r.get("owner_id")),
            "resourceIds": [str(r["owner_id"])] if r.get("owner_id") else [],
            "classNames": ["cal-interaction", f"status-{r['status']}"],
            "extendedProps": {"type": "interaction", "id": str(r["id"]), "version": r["version"],
                              "url": f"/contacts/interaction/{r['id']}"}})
    for r in await reading.all_rows(kernel, "contacts.task", principal, [
            owner_filter, ("deadline", "gte", start.isoformat()), ("deadline", "lt", end.isoformat())], ["deadline"]):
        due = r["deadline"]
        out.append({
            "id": f"task:{r['id']}", "title": _("Deadline: {title}").format(title=r["title"]),
            "start": wall_clock(due), "end": wall_clock(due + timedelta(minutes=DEFAULT_MINUTES)), "editable": False,
            "resourceIds": [str(r["owner_id"])] if r.get("owner_id") else [],
            "classNames": ["cal-task", f"status-{r['status']}"],
            "extendedProps": {"type": "task", "id": str(r["id"]), "url": f"/contacts/task/{r['id']}"}})
    for e in await reading.all_rows(kernel, "contacts.event", principal, [owner_filter]):
        day = next_occurrence(e, first)
        if day is not None and day <= last:
            out.append({
                "id": f"event:{e['id']}", "title": e["title"], "start": day.isoformat(), "allDay": True, "editable": False,
                "resourceIds": [str(e["owner_id"])] if e.get("owner_id") else [], "classNames": ["cal-event"],
                "extendedProps": {"type": "event", "id": str(e["id"]), "url": f"/contacts/event/{e['id']}"}})
    return out

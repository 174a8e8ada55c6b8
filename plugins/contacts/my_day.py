"""The contacts plugin's "my day" widgets on the home page (``dashboard_widgets``).

* My agenda — my calls, meetings and other interactions of today, the planned ones
  I missed, and my tasks due today or overdue; soonest first.
* Upcoming dates — the significant dates of the next two weeks.

Everything is read through the query gate as the viewer (only what they may
read, and only what they are responsible for), and "today" is the viewer's
day on their own clock (core.i18n.timezones), not the server's.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from core.hooks.contributions import DashboardWidget
from core.i18n.timezones import day_bounds, today
from core.permissions.request import principal_of
from plugins.contacts import reading

LIMIT = 30  # per kind: more than fits on a day; the full lists are a link away
DATES_AHEAD = 14


def widgets(kernel) -> list[DashboardWidget]:
    out = [DashboardWidget("contacts.today", {"en": "My agenda", "ru": "Мои дела"}, "contacts/my_day/today.html",
                           load_today, order=1, size="wide")]
    if kernel.features.enabled("contacts.significant_events"):
        out.append(DashboardWidget("contacts.upcoming_dates", {"en": "Upcoming dates", "ru": "Ближайшие даты"},
                                   "contacts/my_day/dates.html", load_dates, order=2,
                                   permission="contacts.event.read", feature="contacts.significant_events"))
    return out


async def load_today(request) -> dict | None:
    kernel, principal = request.app.state.kernel, principal_of(request)
    if principal.user_id is None:
        return None
    me = str(principal.user_id)
    now = datetime.now(timezone.utc)
    start, end = day_bounds(today())
    items = []
    interactions = await reading.rows(kernel, "contacts.interaction", principal, [
        ("owner_id", "eq", me), ("status", "ne", "cancelled"),
        ("starts_at", "gte", start.isoformat()), ("starts_at", "lt", end.isoformat())], ["starts_at"], limit=LIMIT)
    missed = await reading.rows(kernel, "contacts.interaction", principal, [
        ("owner_id", "eq", me), ("status", "eq", "planned"), ("starts_at", "lt", start.isoformat())], ["-starts_at"], limit=LIMIT)
    kinds = _choice_labels(kernel, "contacts.interaction", "kind")
    for r in [*missed, *interactions]:
        items.append({"kind": kinds.get(r["kind"], r["kind"]), "title": r["subject"], "at": r["starts_at"],
                      "url": f"/contacts/interaction/{r['id']}", "done": r["status"] == "done",
                      "overdue": r["status"] == "planned" and _aware(r["starts_at"]) < start})
    tasks = await reading.rows(kernel, "contacts.task", principal, [
        ("owner_id", "eq", me), ("status", "ne", "done"), ("deadline", "lt", end.isoformat())], ["deadline"], limit=LIMIT)
    task = kernel.entities.get("contacts.task")
    for r in tasks:
        items.append({"kind": task.label.get(principal.language) or task.label["en"], "title": r["title"], "at": r["deadline"],
                      "url": f"/contacts/task/{r['id']}", "done": False, "overdue": _aware(r["deadline"]) < now})
    items.sort(key=lambda i: _aware(i["at"]))
    return {"overdue": [i for i in items if i["overdue"]], "today": [i for i in items if not i["overdue"]],
            "calendar": kernel.features.enabled("contacts.calendar"), "tasks": kernel.features.enabled("contacts.assignments")}


async def load_dates(request) -> dict:
    from plugins.contacts.events_screens import upcoming_dates

    rows = await upcoming_dates(request.app.state.kernel, principal_of(request), today(), DATES_AHEAD)
    return {"rows": rows[:8], "more": len(rows) > 8, "days": DATES_AHEAD}


def _choice_labels(kernel, entity_key: str, field: str) -> dict[str, str]:
    from core.i18n import current_locale

    entity = kernel.entities.get(entity_key)
    if entity is None:
        return {}
    lang = current_locale()
    return {c.value: c.label.get(lang) or c.label.get("en") for c in entity.field(field).choices}


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive UTC.
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)

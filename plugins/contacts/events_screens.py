"""The upcoming significant dates (feature ``significant_events``, Prof and up).

Three sources, each read through the gate as the viewer: the significant
events themselves, the birthdays of contact persons and the birthdays or
founding dates on client cards. Yearly reminders of the events come from
the reminder job.

The home page shows these dates (``my_day.py``) on every visit, so the
dated cards are read in birthday order: ``birthday`` is an indexed field of
both entities, and the index (``birthday, id`` over live rows) holds only
what is read. In name order the engine walked every client to find the few
with a date — 60–120 ms per home page at 50,000 clients on SQLite, most of
the Corp edition's extra cost over Basic (which has no upcoming dates).
"""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, get
from litestar.exceptions import HTTPException
from litestar.response import Template

from core.i18n.timezones import today as local_today
from core.permissions.request import principal_of
from plugins.contacts import reading
from plugins.contacts.events import upcoming


async def upcoming_dates(kernel, principal, today: date, days: int) -> list[dict]:
    found = [{**e, "url": f"/contacts/event/{e['id']}"} for e in await reading.all_rows(kernel, "contacts.event", principal)]
    dated = [("birthday", "isnull", "false")]
    for c in await reading.all_rows(kernel, "contacts.contact", principal, dated, sort=["birthday"]):
        found.append({"title": c["full_name"], "date": c["birthday"], "yearly": True, "kind": "birthday",
                      "url": f"/contacts/contact/{c['id']}"})
    for c in await reading.all_rows(kernel, "contacts.client", principal, dated, sort=["birthday"]):
        found.append({"title": c["name"], "date": c["birthday"], "yearly": True,
                      "kind": "birthday" if c.get("kind") == "person" else "founding", "url": f"/contacts/client/{c['id']}"})
    return upcoming(found, today, days)


class EventScreens(Controller):
    path = "/contacts/events"
    opt = {"feature": "contacts.significant_events"}

    @get("/", opt={"permission": "contacts.event.read"}, name="contacts:events-upcoming")
    async def show(self, request: Request) -> Template:
        raw = request.query_params.get("days", "30")
        if not raw.isdigit() or not 1 <= int(raw) <= 366:
            raise HTTPException(status_code=400, detail="days is a number from 1 to 366")
        principal = principal_of(request)
        rows = await upcoming_dates(request.app.state.kernel, principal, local_today(), int(raw))
        return Template("contacts/events/upcoming.html", context={"rows": rows, "days": int(raw)})

"""iCalendar and vCard: a per-user feed (secret URL), export and import of events and contacts.

The feed URL carries a random token; only its SHA-256 is stored, so the
URL is shown once when made (making a new one revokes the old). The feed
is read as the token's user, through the query gate. File export/import
(Outlook integration, Corp) uses ``icalendar`` and ``vobject``; an import
writes through the gate, row by row, and reports what it refused.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta, timezone

import vobject
from icalendar import Calendar, Event as VEvent

from core.auth.principal_cache import user_principal
from core.permissions.errors import Invalid, Refused
from core.permissions.gate import Gate
from plugins.contacts import reading
from plugins.contacts.events import next_occurrence
from plugins.contacts.tables import CalendarToken

PRODID = "-//Klientela//contacts//EN"
FEED_PAST_DAYS = 90
FEED_FUTURE_DAYS = 365


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def new_feed_token(user_id) -> str:
    token = secrets.token_urlsafe(32)
    await CalendarToken.delete().where(CalendarToken.user_id == user_id)
    await CalendarToken.insert(CalendarToken(user_id=user_id, token_hash=token_hash(token)))
    return token


async def has_feed(user_id) -> bool:
    return await CalendarToken.exists().where(CalendarToken.user_id == user_id)


async def feed_principal(token: str):
    row = await CalendarToken.select(CalendarToken.user_id, CalendarToken.created_at).where(
        CalendarToken.token_hash == token_hash(token)).first()
    # issued_at: a URL made before the user's last deactivation stays dead after a reactivation.
    # The principal is kept under the principal stamp (a calendar app polls the feed): a change
    # of the user's roles or a deactivation holds on the next request all the same.
    return await user_principal(row["user_id"], via="feed", issued_at=row["created_at"]) if row else None


async def calendar_for(kernel, principal, start: datetime, end: datetime, mine_only: bool = True,
                       action: str = "read") -> bytes:
    """Interactions, task deadlines and significant dates between ``start`` and ``end`` as iCalendar.

    ``action="export"`` for the download (``calendar.ics``): each entity's export
    scope bounds it, so ``all=1`` never reaches past what one may export; the
    subscription feed (``mine_only``, the user's own records) reads."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Klientela")
    owner = [("owner_id", "eq", str(principal.user_id))] if mine_only else []
    for r in await reading.all_rows(kernel, "contacts.interaction", principal,
                                    owner + [("starts_at", "gte", start.isoformat()), ("starts_at", "lt", end.isoformat())], ["starts_at"],
                                    action=action):
        ev = VEvent()
        ev.add("uid", f"{r['id']}@klientela")
        ev.add("summary", r["subject"])
        ev.add("dtstart", r["starts_at"])
        ev.add("dtend", r["starts_at"] + timedelta(minutes=r.get("duration_minutes") or 30))
        ev.add("dtstamp", r["updated_at"])
        ev.add("status", {"planned": "CONFIRMED", "done": "CONFIRMED", "cancelled": "CANCELLED"}.get(r["status"], "TENTATIVE"))
        ev.add("categories", [r["kind"]])
        if r.get("result") or r.get("participants"):
            ev.add("description", "\n".join(x for x in (r.get("participants"), r.get("result")) if x))
        cal.add_component(ev)
    for r in await reading.all_rows(kernel, "contacts.task", principal,
                                    owner + [("deadline", "gte", start.isoformat()), ("deadline", "lt", end.isoformat())],
                                    action=action):
        ev = VEvent()
        ev.add("uid", f"{r['id']}@klientela")
        ev.add("summary", r["title"])
        ev.add("dtstart", r["deadline"])
        ev.add("dtend", r["deadline"])
        ev.add("dtstamp", r["updated_at"])
        cal.add_component(ev)
    for e in await reading.all_rows(kernel, "contacts.event", principal, owner, action=action):
        nxt = next_occurrence(e, start.date())
        if nxt is None:
            continue
        ev = VEvent()
        ev.add("uid", f"{e['id']}@klientela")
        ev.add("summary", e["title"])
        ev.add("dtstart", nxt)
        ev.add("dtend", nxt + timedelta(days=1))
        ev.add("dtstamp", e["updated_at"])
        if e.get("yearly"):
            ev.add("rrule", {"freq": "yearly"})
        cal.add_component(ev)
    return cal.to_ical()


def feed_window(now: datetime | None = None) -> tuple[datetime, datetime]:
    now = now or datetime.now(timezone.utc)
    return now - timedelta(days=FEED_PAST_DAYS), now + timedelta(days=FEED_FUTURE_DAYS)


def _aware(value) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, 9, tzinfo=timezone.utc)
    return None


async def import_calendar(kernel, principal, data: bytes) -> dict:
    """VEVENTs become planned meetings (done when past); returns counts and per-event errors."""
    try:
        cal = Calendar.from_ical(data)
    except ValueError as exc:
        raise Invalid({"file": f"not an iCalendar file: {exc}"}) from None
    gate = await Gate.open(kernel, "contacts.interaction", principal)
    made, errors = 0, []
    now = datetime.now(timezone.utc)
    for n, ev in enumerate(cal.walk("VEVENT"), 1):
        start = _aware(ev.decoded("dtstart")) if ev.get("dtstart") else None
        end = _aware(ev.decoded("dtend")) if ev.get("dtend") else None
        values = {"subject": str(ev.get("summary") or "").strip()[:300] or None, "kind": "meeting",
                  "status": "done" if start and start < now else "planned", "starts_at": start,
                  "duration_minutes": int((end - start).total_seconds() // 60) if start and end and end > start else None,
                  "participants": "\n".join(str(a).removeprefix("mailto:").removeprefix("MAILTO:") for a in
                                            (ev.get("attendee") if isinstance(ev.get("attendee"), list) else [ev.get("attendee")] if ev.get("attendee") else [])) or None,
                  "result": str(ev.get("description") or "") or None}
        try:
            await gate.create({k: v for k, v in values.items() if v is not None})
            made += 1
        except (Invalid, Refused) as exc:
            errors.append({"event": n, "summary": values["subject"], "errors": exc.errors})
    return {"created": made, "errors": errors}


async def vcards(kernel, principal, search: str = "") -> str:
    """Contact persons as vCard 3.0 (with their company), as far as the principal may export them
    (``contacts.contact.export``'s scope; the company's name only where they may export the client too)."""
    people = await reading.all_rows(kernel, "contacts.contact", principal, [], ["full_name"], cap=20000, action="export") if not search else \
        await reading.rows(kernel, "contacts.contact", principal, [], ["full_name"], limit=500, search=search, action="export")
    companies = {}
    ids = sorted({str(p["client"]) for p in people if p.get("client")})
    for chunk in range(0, len(ids), 400):
        for c in await reading.rows(kernel, "contacts.client", principal, [("id", "in", ",".join(ids[chunk:chunk + 400]))], limit=400,
                                    action="export"):
            companies[str(c["id"])] = c["name"]
    out = []
    for p in people:
        card = vobject.vCard()
        card.add("fn").value = p["full_name"]
        parts = p["full_name"].split()
        card.add("n").value = vobject.vcard.Name(family=parts[-1] if len(parts) > 1 else p["full_name"], given=" ".join(parts[:-1]))
        card.add("uid").value = f"{p['id']}@klientela"
        if p.get("position"):
            card.add("title").value = p["position"]
        if companies.get(str(p.get("client"))):
            card.add("org").value = [companies[str(p["client"])]]
        for phone in [p.get("phone")] + (p.get("phones") or "").split("\n"):
            if phone:
                card.add("tel").value = phone
        for email in [p.get("email")] + (p.get("emails") or "").split("\n"):
            if email:
                card.add("email").value = email
        if p.get("birthday"):
            card.add("bday").value = p["birthday"].isoformat()
        out.append(card.serialize())
    return "".join(out)


async def import_vcards(kernel, principal, text: str) -> dict:
    gate = await Gate.open(kernel, "contacts.contact", principal)
    made, errors = 0, []
    try:
        cards = list(vobject.readComponents(text))
    except Exception as exc:  # noqa: BLE001 — vobject raises many kinds of parse errors
        raise Invalid({"file": f"not a vCard file: {exc}"}) from None
    for n, card in enumerate(cards, 1):
        name = card.fn.value if hasattr(card, "fn") else ""
        phones = [t.value for t in card.contents.get("tel", [])]
        emails = [e.value for e in card.contents.get("email", [])]
        values = {"full_name": name.strip() or None, "position": card.title.value if hasattr(card, "title") else None,
                  "phone": phones[0] if phones else None, "phones": "\n".join(phones[1:]) or None,
                  "email": emails[0] if emails else None, "emails": "\n".join(emails[1:]) or None,
                  "birthday": card.bday.value[:10] if hasattr(card, "bday") and card.bday.value else None}
        try:
            await gate.create({k: v for k, v in values.items() if v is not None})
            made += 1
        except (Invalid, Refused) as exc:
            errors.append({"card": n, "name": name, "errors": exc.errors})
    return {"created": made, "errors": errors}



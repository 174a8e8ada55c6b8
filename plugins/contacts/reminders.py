"""Reminders, run by the job system every minute (``contacts.reminders``), not by an open page.

For every active user the job rebuilds that user's principal and reads,
through the query gate, only what the user is responsible for: planned
interactions and open assignments whose reminder time has come, new
assignments given to them, and significant dates coming up. Each reminder
is delivered once (``contacts_reminder_sent``) as an in-app notification
and, when a mail server is configured, by email, in the user's language with
times on the user's clock (docs/i18n.md).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from uuid import UUID

from core.auth.principal_cache import user_principal
from core.auth.tables import User
from core.i18n import _, use_locale, use_timezone
from core.i18n.formatting import format_date, format_datetime
from core.i18n.timezones import effective_timezone, local_date
from plugins.contacts import mail, reading
from plugins.contacts.events import next_occurrence
from plugins.contacts.settings import contacts_settings
from plugins.contacts.tables import ReminderSent


async def due_reminders(kernel, principal, now: datetime, horizon_days: int) -> list[dict]:
    """What this principal should be reminded of at ``now``: dicts with entity, id, due_at, title, body, url."""
    me = str(principal.user_id)
    ahead = (now + timedelta(days=horizon_days)).isoformat()
    behind = (now - timedelta(days=1)).isoformat()
    out = []
    planned = await reading.all_rows(kernel, "contacts.interaction", principal, [
        ("owner_id", "eq", me), ("status", "eq", "planned"), ("remind_minutes", "isnull", "false"),
        ("starts_at", "gte", behind), ("starts_at", "lte", ahead)], ["starts_at"])
    for r in planned:
        due = r["starts_at"] - timedelta(minutes=r["remind_minutes"])
        if due <= now:
            out.append({"entity": "contacts.interaction", "id": r["id"], "due_at": due,
                        "title": _("Reminder: {subject}").format(subject=r["subject"]),
                        "body": _("Starts at {at}.").format(at=format_datetime(r["starts_at"], "short")),
                        "url": f"/contacts/interaction/{r['id']}"})
    tasks = await reading.all_rows(kernel, "contacts.task", principal, [
        ("owner_id", "eq", me), ("status", "ne", "done"), ("deadline", "isnull", "false"),
        ("deadline", "lte", ahead)], ["deadline"])
    for r in tasks:
        due = r["deadline"] - timedelta(minutes=r.get("remind_minutes") or 0)
        if due <= now:
            overdue = r["deadline"] < now
            out.append({"entity": "contacts.task", "id": r["id"], "due_at": due,
                        "title": (_("Overdue: {title}") if overdue else _("Deadline coming: {title}")).format(title=r["title"]),
                        "body": _("Deadline {at}.").format(at=format_datetime(r["deadline"], "short")),
                        "url": f"/contacts/task/{r['id']}"})
    fresh = await reading.all_rows(kernel, "contacts.task", principal, [("owner_id", "eq", me), ("status", "eq", "new")])
    for r in fresh:
        if str(r.get("created_by")) != me:
            out.append({"entity": "contacts.task:new", "id": r["id"], "due_at": r["updated_at"],
                        "title": _("New assignment: {title}").format(title=r["title"]), "body": r.get("description") or "",
                        "url": f"/contacts/task/{r['id']}"})
    today = local_date(now)  # the user's today: a date comes up at their midnight
    for e in await reading.all_rows(kernel, "contacts.event", principal, [("owner_id", "eq", me)]):
        nxt = next_occurrence(e, today)
        if nxt is None or e.get("remind_days") is None:
            continue
        if nxt - timedelta(days=e["remind_days"]) <= today:
            out.append({"entity": "contacts.event", "id": e["id"], "due_at": datetime.combine(nxt, time(0), timezone.utc),
                        "title": _("Coming up: {title}").format(title=e["title"]),
                        "body": _("On {date}.").format(date=format_date(nxt, "long")), "url": f"/contacts/event/{e['id']}"})
    return out


async def claim(item: dict, user_id) -> UUID | None:
    """Take the reminder for delivery; None when it was delivered (or is being delivered) already.

    The unique index on (entity, record, user, due time) makes this atomic:
    of two reminder jobs running at once, exactly one gets the row."""
    row = ReminderSent(entity=item["entity"], record_id=item["id"], user_id=user_id, due_at=item["due_at"])
    done = await ReminderSent.insert(row).on_conflict(action="DO NOTHING").returning(ReminderSent.id)
    return done[0]["id"] if done else None


async def deliver(kernel, now: datetime | None = None) -> dict:
    """One pass over every active user; returns counts (for the job's result)."""
    from core.notifications import notify

    now = now or datetime.now(timezone.utc)
    settings = contacts_settings()
    sent = emailed = failed = 0
    users = await User.select(User.id, User.email).where(User.is_active == True)  # noqa: E712
    for user in users:
        principal = await user_principal(user["id"])  # kept between runs under the principal stamp
        if principal is None:
            continue
        # Each user's reminders are written in their language and on their clock (their
        # choices, else the instance's), like a job they started themselves.
        with use_locale(principal.language or kernel.settings.language), \
                use_timezone(effective_timezone(principal.timezone, kernel.settings.timezone)):
            due = await due_reminders(kernel, principal, now, settings.reminder_horizon_days)
        for item in due:
            claimed = await claim(item, user["id"])
            if claimed is None:
                continue
            try:
                await notify(user["id"], item["title"], item["body"], item["url"], kind="reminder")
            except Exception:
                await ReminderSent.delete().where(ReminderSent.id == claimed)  # not delivered: the next run tries again
                raise
            by_mail = False
            if mail.configured(settings):
                try:
                    await mail.send(settings, user["email"], item["title"], f"{item['body']}\n\n{item['url']}")
                    by_mail = True
                except Exception:  # noqa: BLE001 — the in-app reminder is delivered; mail is best effort
                    failed += 1
            if by_mail:
                await ReminderSent.update({ReminderSent.emailed: True}).where(ReminderSent.id == claimed)
            sent += 1
            emailed += by_mail
    return {"sent": sent, "emailed": emailed, "mail_failed": failed}


async def run(ctx) -> dict:
    return await deliver(ctx.kernel)

"""The contacts screens on the user's clock: calendar days and times, moving, the
next-interaction form, reminders. Stored times stay UTC (the API answers UTC)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from core.auth.tables import User
from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD, serving


def unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:6]}"


async def far_east_user(make_user, zone: str = "Asia/Vladivostok"):
    user = await make_user(roles=["sales_manager"], team=unique("TZ"))
    await User.update({User.timezone: zone, User.language: "ru"}).where(User.id == user.id)
    return user


async def test_the_calendar_places_and_moves_by_the_users_day(app_factory, make_user, client_as):
    ann = await far_east_user(make_user)  # +10:00
    subject = unique("Late call")
    async with serving(app_factory(), login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as admin:
        # 15:30 UTC on the 12th is 01:30 on the 13th in Vladivostok.
        made = (await admin.post("/api/contacts/interaction", json={
            "subject": subject, "owner_id": str(ann.id), "starts_at": "2031-03-12T15:30:00Z"})).json()
    async with client_as(ann) as c:
        day13 = (await c.get("/contacts/calendar/", params={"view": "day", "date": "2031-03-13"})).text
        assert subject in day13 and "01:30" in day13
        assert subject not in (await c.get("/contacts/calendar/", params={"view": "day", "date": "2031-03-12"})).text
        moved = await c.post("/contacts/calendar/move", data={"id": made["id"], "version": made["version"], "date": "2031-03-20"})
        assert moved.status_code == 200, moved.text
        # Still 01:30 on Ann's clock, so the evening before in UTC; the JSON stays UTC.
        assert moved.json()["starts_at"] == "2031-03-19T15:30:00+00:00"


async def test_the_next_interaction_is_typed_on_the_users_clock(make_user, client_as):
    ann = await far_east_user(make_user, "Asia/Yekaterinburg")  # +05:00
    async with client_as(ann) as c:
        first = (await c.post("/api/contacts/interaction", json={"subject": unique("First"), "status": "done"})).json()
        form = await c.get(f"/contacts/interactions/{first['id']}/next")
        # Her own clock: the form names no zone, and certainly not UTC (core.i18n.timezone_label).
        assert "(Asia/Yekaterinburg)" not in form.text and "(UTC)" not in form.text
        planned = await c.post(f"/contacts/interactions/{first['id']}/next", data={
            "subject": "tz next", "kind": "call", "starts_at": "2031-03-12T09:15"})
        assert planned.status_code == 303, planned.text
        stored = (await c.get("/api" + planned.headers["location"])).json()
        assert stored["starts_at"] == "2031-03-12T04:15:00+00:00"
        # A wall time Yekaterinburg never skips is fine; one a DST zone skips is refused in place.
        await User.update({User.timezone: "Europe/Berlin"}).where(User.id == ann.id)
    async with client_as(ann) as c:
        refused = await c.post(f"/contacts/interactions/{first['id']}/next", data={
            "subject": "tz gap", "kind": "call", "starts_at": "2031-03-30T02:30"})
        assert refused.status_code == 422
        assert "Europe/Berlin" in refused.text and 'value="2031-03-30T02:30"' in refused.text


async def test_a_reminder_tells_the_time_on_the_users_clock(app_factory, make_user, monkeypatch):
    from core.notifications import latest
    from plugins.contacts.tests.test_reminders import run_reminder_job

    monkeypatch.delenv("KLIENTELA_CONTACTS_SMTP_HOST", raising=False)
    ann = await far_east_user(make_user)
    app = app_factory(timezone="Europe/Moscow")
    subject = unique("Reminded call")
    starts = datetime.now(timezone.utc).replace(second=0, microsecond=0) + timedelta(minutes=10)
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as admin:
        made = await admin.post("/api/contacts/interaction", json={
            "subject": subject, "owner_id": str(ann.id), "starts_at": starts.isoformat(), "remind_minutes": 30})
        assert made.status_code == 201, made.text
    await run_reminder_job(app.state.kernel)  # as the schedule runs it: a system job, no user of its own
    found = [n for n in await latest(ann.id, limit=50) if subject in n["title"]]
    local = starts.astimezone(ZoneInfo("Asia/Vladivostok")).strftime("%d.%m.%Y, %H:%M")
    # In Ann's language and zone, not the instance's (Moscow) nor UTC.
    assert [n["body"] for n in found] == [f"Начало: {local}."]
    assert found[0]["title"] == f"Напоминание: {subject}"

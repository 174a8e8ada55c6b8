"""Reminders run by the job system: in-app for the responsible user, by mail through a real
local SMTP server (aiosmtpd) when configured, once each however often the job runs."""

from __future__ import annotations

import email
import email.policy
import socket
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from aiosmtpd.controller import Controller

from core.jobs.api import close_queue, enqueue, run_worker
from core.notifications import latest
from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD, serving
from plugins.contacts.tables import ReminderSent


def unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:6]}"


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, str(message["subject"]), message.get_content()))
        return "250 OK"


@pytest.fixture
def smtp(monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("KLIENTELA_CONTACTS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("KLIENTELA_CONTACTS_SMTP_PORT", str(port))
    monkeypatch.setenv("KLIENTELA_CONTACTS_MAIL_FROM", "crm@klientela-tests.example")
    yield sink
    controller.stop()


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


async def run_reminder_job(kernel) -> None:
    await enqueue(kernel, "contacts.reminders", {}, user_id=None)
    await run_worker(kernel.settings, kernel=kernel, once=True, poll=0.05, signals=False)
    await close_queue(kernel)


async def test_due_reminders_reach_the_responsible_user_in_app_and_by_mail(app_factory, make_user, smtp):
    ann = await make_user(roles=["sales_manager"], team=unique("Remind"), name="Ann")
    now = datetime.now(timezone.utc)
    app = app_factory()
    kernel = app.state.kernel
    call, later, task, birthday = unique("Call Ромашка"), unique("Call far ahead"), unique("Report"), unique("Birthday of Ivan")
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as admin:
        for subject, starts, remind in ((call, now + timedelta(minutes=10), 15), (later, now + timedelta(days=2), 15)):
            made = await admin.post("/api/contacts/interaction", json={"subject": subject, "status": "planned", "owner_id": str(ann.id),
                                                                      "starts_at": iso(starts), "remind_minutes": remind})
            assert made.status_code == 201, made.text
        made = await admin.post("/api/contacts/task", json={"title": task, "owner_id": str(ann.id),
                                                             "deadline": iso(now + timedelta(minutes=30)), "remind_minutes": 60})
        assert made.status_code == 201, made.text
        soon = date.today() + timedelta(days=2)
        made = await admin.post("/api/contacts/event", json={"title": birthday, "kind": "birthday", "date": soon.replace(year=1980).isoformat()
                                                              if not (soon.month == 2 and soon.day == 29) else "1980-02-29",
                                                              "owner_id": str(ann.id), "remind_days": 3})
        assert made.status_code == 201, made.text
        await run_reminder_job(kernel)
        titles = [n["title"] for n in await latest(ann.id, limit=50)]
        assert f"Reminder: {call}" in titles
        assert f"Deadline coming: {task}" in titles and f"New assignment: {task}" in titles
        assert f"Coming up: {birthday}" in titles
        assert f"Reminder: {later}" not in titles  # not due yet
        mailed = [m for m in smtp.messages if ann.email in m[0]]
        assert any(subject == f"Reminder: {call}" and f"/contacts/interaction/" in body for _, subject, body in mailed)
        # A second run sends nothing again.
        before = await ReminderSent.count()
        await run_reminder_job(kernel)
        assert await ReminderSent.count() == before
        assert [n["title"] for n in await latest(ann.id, limit=50)].count(f"Reminder: {call}") == 1


async def test_without_a_mail_server_reminders_stay_in_app(app_factory, make_user, monkeypatch):
    monkeypatch.delenv("KLIENTELA_CONTACTS_SMTP_HOST", raising=False)
    bob = await make_user(roles=["sales_manager"], team=unique("Remind"))
    app = app_factory()
    subject = unique("Meeting")
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as admin:
        await admin.post("/api/contacts/interaction", json={"subject": subject, "kind": "meeting", "owner_id": str(bob.id),
                                                            "starts_at": iso(datetime.now(timezone.utc) + timedelta(minutes=5)), "remind_minutes": 30})
        await run_reminder_job(app.state.kernel)
    assert f"Reminder: {subject}" in [n["title"] for n in await latest(bob.id)]
    sent = await ReminderSent.select().where(ReminderSent.user_id == bob.id)
    assert sent and not any(r["emailed"] for r in sent)


def test_the_reminder_job_is_scheduled_every_minute(app_factory):
    from core.jobs.registry import registry_of

    registry = registry_of(app_factory().state.kernel)
    assert "contacts.reminders" in registry.kinds
    assert any(s.kind == "contacts.reminders" and s.cron == "* * * * *" for s in registry.schedules)


async def test_two_reminder_runs_at_once_deliver_each_reminder_once(app_factory, make_user, monkeypatch):
    import asyncio

    from plugins.contacts.reminders import deliver

    monkeypatch.delenv("KLIENTELA_CONTACTS_SMTP_HOST", raising=False)
    cid = await make_user(roles=["sales_manager"], team=unique("Race"))
    app = app_factory()
    subject = unique("Race call")
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as admin:
        await admin.post("/api/contacts/interaction", json={"subject": subject, "owner_id": str(cid.id),
                                                            "starts_at": iso(datetime.now(timezone.utc) + timedelta(minutes=5)), "remind_minutes": 30})
    await asyncio.gather(deliver(app.state.kernel), deliver(app.state.kernel))
    assert [n["title"] for n in await latest(cid.id)].count(f"Reminder: {subject}") == 1

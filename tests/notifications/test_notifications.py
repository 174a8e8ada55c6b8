"""Notifications: the public API, the pages, mark read, and the live stream's events."""

from __future__ import annotations

import asyncio
import re
import uuid

import pytest

from core.notifications import NotificationError, api
from core.notifications.stream import StreamTiming, events
from core.testing.fixtures import ADMIN_EMAIL


async def admin_id():
    from core.auth.tables import User

    return (await User.select(User.id).where(User.email == ADMIN_EMAIL).first())["id"]


@pytest.fixture
async def fresh(accounts):
    from core.notifications.tables import Notification

    await Notification.delete(force=True)
    yield
    await Notification.delete(force=True)


async def test_notify_stores_and_counts_per_user(fresh, make_user):
    ann = await make_user()
    bob = await make_user()
    first = await api.notify(ann.id, "Call Acme back", "They asked for a quote", "/contacts/client/", "reminder")
    await api.notify(str(ann.id), "Second")
    await api.notify(bob.id, "Bob's own")
    assert await api.unread_count(ann.id) == 2
    assert await api.unread_count(bob.id) == 1
    rows = await api.latest(ann.id)
    assert [r["title"] for r in rows] == ["Second", "Call Acme back"]  # newest first
    assert rows[1]["id"] == first and rows[1]["kind"] == "reminder" and rows[1]["url"] == "/contacts/client/"
    assert await api.mark_read(ann.id, [first]) == 1
    assert await api.unread_count(ann.id) == 1
    # Someone else's id changes nothing.
    bobs = (await api.latest(bob.id))[0]["id"]
    assert await api.mark_read(ann.id, [bobs]) == 0
    assert await api.unread_count(bob.id) == 1
    assert await api.mark_all_read(ann.id) == 1
    assert await api.unread_count(ann.id) == 0 and await api.unread_count(bob.id) == 1


@pytest.mark.parametrize("kwargs, message", [
    ({"title": ""}, "title is required"),
    ({"title": "x" * 301}, "at most 300"),
    ({"body": "x" * 4001}, "at most 4000"),
    ({"url": "javascript:alert(1)"}, "path on this site"),
    ({"url": "https://evil.example/"}, "path on this site"),
    ({"url": "//evil.example/"}, "path on this site"),
    ({"kind": "Bad Kind"}, "kind must be"),
])
async def test_bad_input_is_refused_with_a_reason_and_stores_nothing(fresh, make_user, kwargs, message):
    user = await make_user()
    args = {"title": "ok", "body": "", "url": "", "kind": "info", **kwargs}
    with pytest.raises(NotificationError, match=message):
        await api.notify(user.id, **args)
    assert await api.latest(user.id) == []


async def test_unknown_or_inactive_user_is_refused(fresh, make_user):
    from core.auth.tables import User

    with pytest.raises(NotificationError, match="no active user"):
        await api.notify(uuid.uuid4(), "hello")
    with pytest.raises(NotificationError, match="UUID"):
        await api.notify("not-a-uuid", "hello")
    user = await make_user()
    await User.update({User.is_active: False}).where(User.id == user.id)
    with pytest.raises(NotificationError, match="no active user"):
        await api.notify(user.id, "hello")


async def test_page_lists_only_mine_escaped_and_marks_read(fresh, client, make_user):
    me = await admin_id()
    other = await make_user()
    await api.notify(other.id, "not for the admin")
    nid = await api.notify(me, "<b>Deal won</b>", "Acme signed", "/contacts/client/")
    page = await client.get("/notifications")
    assert page.status_code == 200
    assert "&lt;b&gt;Deal won&lt;/b&gt;" in page.text and "<b>Deal won" not in page.text
    assert "not for the admin" not in page.text
    # htmx "mark read": the item comes back read, with the counter out of band.
    done = await client.post(f"/notifications/{nid}/read", headers={"HX-Request": "true"})
    assert done.status_code == 200
    assert 'hx-swap-oob="innerHTML"' in done.text and "Mark read" not in done.text
    assert await api.unread_count(me) == 0


async def test_open_marks_read_and_goes_to_the_url_and_others_ids_are_404(fresh, client, make_user):
    me = await admin_id()
    nid = await api.notify(me, "Open me", url="/contacts/client/")
    owner = await make_user()
    theirs = await api.notify(owner.id, "theirs")
    opened = await client.post(f"/notifications/{nid}/open")
    assert opened.status_code == 303 and opened.headers["location"] == "/contacts/client/"
    assert await api.unread_count(me) == 0
    for path in (f"/notifications/{theirs}/open", f"/notifications/{theirs}/read", "/notifications/nonsense/open"):
        assert (await client.post(path)).status_code == 404, path
    assert await api.unread_count(owner.id) == 1  # untouched


async def test_mark_all_read_and_counter_fragment(fresh, client):
    me = await admin_id()
    for i in range(3):
        await api.notify(me, f"n{i}")
    count = await client.get("/notifications/count")
    assert re.search(r'class="badge">3<', count.text)
    assert (await client.post("/notifications/read-all")).status_code == 303
    assert (await client.get("/notifications/count")).text.strip() == ""
    assert (await client.get("/notifications?unread=true")).text.count('<li id="n-') == 0


async def test_pages_need_a_session(anonymous):
    assert (await anonymous.get("/notifications")).status_code == 303
    assert (await anonymous.get("/notifications/count", headers={"HX-Request": "true"})).status_code == 401


async def test_stream_sends_the_count_then_each_new_notification_once(fresh, make_user):
    user = await make_user()
    old = await api.notify(user.id, "before the page opened")
    timing = StreamTiming(poll=0.05, lifetime=1.0)
    received = []

    async def consume():
        async for message in events(user.id, lambda n: f"count={n}", lambda row: f"toast={row['title']}", timing=timing):
            received.append(message)

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.2)
    new = await api.notify(user.id, "arrived live")
    await task
    data = [m.data for m in received]
    assert data[0] == "count=1" and received[0].event == "count"
    assert received[0].id == str(old)  # so a reconnect resumes after what this page has seen
    assert "toast=arrived live" in data and "toast=before the page opened" not in data
    assert data.count("toast=arrived live") == 1
    toast = next(m for m in received if m.event == "notification")
    assert toast.id == str(new)
    assert "count=2" in data
    assert received[-1].comment  # the stream ends by itself (bounded lifetime)
    # A reconnect with Last-Event-ID = the old one replays what came after it, nothing before.
    again = [m async for m in events(user.id, str, lambda row: row["title"], since=old, timing=StreamTiming(poll=0.05, lifetime=0.01))]
    assert [m.data for m in again if m.event == "notification"] == []  # nothing is polled in a 10 ms lifetime
    # A user with no notifications at all: the first id is the nil UUID, before every real one.
    none = await make_user()
    first = [m async for m in events(none.id, str, str, timing=StreamTiming(poll=0.05, lifetime=0.01))][0]
    assert first.id == str(uuid.UUID(int=0))
    replay = [m async for m in events(user.id, str, lambda row: row["title"], since=old, timing=StreamTiming(poll=0.05, lifetime=0.2))]
    assert [m.data for m in replay if m.event == "notification"] == ["arrived live"]

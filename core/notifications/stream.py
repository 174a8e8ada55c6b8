"""The live channel: server-sent events that poll the table, per connection.

Why polling and not LISTEN/NOTIFY or an in-process broker: nothing is kept in
process memory (P9 — several app processes, any of which may have written
the row), it works the same on SQLite and PostgreSQL, and the cost is two
indexed queries per open page every ``poll`` seconds. A stream also never
pins a worker: it ends after ``lifetime`` seconds (the browser's EventSource
reconnects by itself, sending ``Last-Event-ID``, so nothing is missed across
the gap), and Litestar cancels it as soon as the client goes away.

Events:

* ``count`` — the unread counter's markup, sent at once and on every change;
* ``notification`` — a toast for each notification newer than the last one
  this page saw (the event id is the notification id).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import AsyncIterator, Callable
from uuid import UUID

from litestar.response import ServerSentEventMessage

from core.notifications import api


@dataclass(frozen=True)
class StreamTiming:
    poll: float = 2.0  # seconds between two looks at the table
    lifetime: float = 300.0  # seconds before the server ends the stream (the browser reconnects)
    retry_ms: int = 3000  # what the browser waits before reconnecting


DEFAULT_TIMING = StreamTiming()
NIL = UUID(int=0)  # "before every notification": UUIDv7 ids all compare greater


def last_seen(header: str | None) -> UUID | None:
    try:
        return UUID(header) if header else None
    except ValueError:
        return None


async def events(
    user_id: UUID,
    render_count: Callable[[int], str],
    render_toast: Callable[[dict], str],
    *,
    since: UUID | None = None,
    timing: StreamTiming = DEFAULT_TIMING,
) -> AsyncIterator[ServerSentEventMessage]:
    """Yield the stream's messages until ``timing.lifetime`` is up.

    Without ``since`` (a fresh page) only notifications created from now on
    become toasts; with it (a reconnect) those created after it do.
    """
    last = since if since is not None else (await api.newest_id(user_id) or NIL)
    count = await api.unread_count(user_id)
    # The first event carries the id of the newest notification this page knows
    # of, so the browser's automatic reconnect resumes right after it.
    yield ServerSentEventMessage(event="count", data=render_count(count), id=str(last), retry=timing.retry_ms)
    deadline = time.monotonic() + timing.lifetime
    while time.monotonic() + timing.poll < deadline:
        await asyncio.sleep(timing.poll)
        for row in await api.newer_than(user_id, last):
            last = row["id"]
            yield ServerSentEventMessage(event="notification", data=render_toast(row), id=str(row["id"]))
        now = await api.unread_count(user_id)
        if now != count:
            count = now
            yield ServerSentEventMessage(event="count", data=render_count(count))
    # Ending with a comment lets the browser reconnect at once with Last-Event-ID.
    yield ServerSentEventMessage(comment="lifetime over, reconnect", data=None)

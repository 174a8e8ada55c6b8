"""Periodic schedules on SQLite: each tick becomes one job, however many workers saw it.

The same semantics as procrastinate's periodic deferrer (which PostgreSQL
uses): on each pass a worker looks at the latest tick of every cron at or
before now; a tick older than ``MAX_DELAY`` is skipped rather than run late
(a worker that was down all night does not replay the night). The job row's
unique ``dedupe_key`` (``<kind>@<tick>``) makes the tick fire once across
workers and processes, with no memory of what fired.
"""

from __future__ import annotations

from datetime import datetime, timezone

from croniter import croniter

from core.hooks.contributions import Schedule
from core.jobs import store
from core.jobs.registry import registry_of

MAX_DELAY = 10 * 60  # seconds, as procrastinate.periodic.MAX_DELAY


def latest_tick(schedule: Schedule, now: datetime) -> datetime:
    # croniter's get_prev is strictly before its start: start just after now so a tick at now counts.
    start = now.timestamp() + 1e-6
    return datetime.fromtimestamp(croniter(schedule.cron, start).get_prev(float), tz=timezone.utc)


def dedupe_key(schedule: Schedule, tick: datetime) -> str:
    return f"{schedule.kind}@{int(tick.timestamp())}"


async def fire_due(kernel, now: datetime) -> list:
    """Enqueue the due tick of every schedule that has not fired yet; returns the new job ids."""
    registry = registry_of(kernel)
    fired = []
    for schedule in registry.schedules:
        tick = latest_tick(schedule, now)
        if (now - tick).total_seconds() > MAX_DELAY:
            continue
        key = dedupe_key(schedule, tick)
        if await store.exists_key(key):
            continue  # fired already (read first: an idle worker writes nothing)
        job_id = await store.insert(registry.kind(schedule.kind), dict(schedule.payload), user_id=None,
                                    run_at=tick, dedupe_key=key)
        if job_id is not None:
            fired.append(job_id)
    return fired

"""PostgreSQL: procrastinate delivers jobs; ``core_job`` stays what users see.

Why procrastinate: it keeps its queue in PostgreSQL itself (no broker to run),
hands a job to exactly one worker (``SELECT ... FOR UPDATE SKIP LOCKED``),
wakes workers with LISTEN/NOTIFY, schedules retries, runs cron schedules
once across all workers (a unique row per tick), and has been in production
use for years (MIT). SAQ would also do, but its PostgreSQL queue is younger
and its periodic jobs are per-process.

Each job kind is a procrastinate task named like the kind, taking only the
``core_job`` id. The task claims the row (a conditional UPDATE, so a
cancelled or already-run job is skipped), runs it through the shared
:mod:`core.jobs.runner`, and turns a failed attempt into procrastinate's
retry, with the delay our backoff chose (one policy on both engines).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timezone
from uuid import UUID

from procrastinate import App, BaseRetryStrategy, PsycopgConnector, RetryDecision

from core.jobs import runner, schedules, store
from core.jobs.registry import registry_of

log = logging.getLogger("klientela.jobs")
SCHEDULE_TASK = "klientela.schedule"


class RetryLater(Exception):
    def __init__(self, delay: float, error: str = ""):
        super().__init__(f"retry in {delay:.1f} s: {error}")
        self.delay = delay


class JobDead(Exception):
    """Raised so procrastinate records the job as failed (and does not retry it)."""


class _OurBackoff(BaseRetryStrategy):
    """Retry exactly when our runner asked for it, after the delay it computed."""

    def get_retry_decision(self, *, exception, job):
        if isinstance(exception, RetryLater):
            return RetryDecision(retry_in={"seconds": exception.delay})
        return None


def connector(settings, *, max_size: int = 4) -> PsycopgConnector:
    return PsycopgConnector(conninfo=settings.resolved_database_url, min_size=1, max_size=max_size,
                            kwargs={"application_name": "klientela-jobs"})


class PgQueue:
    def __init__(self, kernel, *, heartbeat: float = 5.0, stale_after: float = 60.0):
        self.kernel, self.heartbeat, self.stale_after = kernel, heartbeat, stale_after
        self.app = App(connector=connector(kernel.settings))
        self.worker = store.worker_name()
        registry = registry_of(kernel)
        for name in registry.kinds:
            self.app.task(name=name, retry=_OurBackoff())(self._make_body())
        fire = self.app.task(name=SCHEDULE_TASK)(self._fire)
        for schedule in registry.schedules:
            self.app.periodic(cron=schedule.cron, periodic_id=f"{schedule.kind} {schedule.cron}",
                              task_kwargs={"kind": schedule.kind, "cron": schedule.cron})(fire)
        self._opened = False

    async def open(self) -> "PgQueue":
        if not self._opened:
            await self.app.open_async()
            self._opened = True
        return self

    async def close(self) -> None:
        if self._opened:
            self._opened = False
            await self.app.close_async()

    def _make_body(self):
        async def body(job_id: str) -> None:
            job = await store.claim(UUID(job_id), self.worker)
            if job is None:
                return  # cancelled while waiting, or another delivery already ran it
            outcome = await runner.execute(self.kernel, job, heartbeat=self.heartbeat)
            if outcome.status == "failed":
                raise RetryLater(outcome.delay)
            if outcome.status == "dead":
                raise JobDead(f"job {job_id} is dead: see core_job.last_error")

        return body

    async def _fire(self, timestamp: int, kind: str, cron: str) -> None:
        registry = registry_of(self.kernel)
        schedule = next((s for s in registry.schedules if s.kind == kind and s.cron == cron), None)
        if schedule is None:
            return  # the schedule was removed since this tick was deferred
        tick = datetime.fromtimestamp(timestamp, tz=timezone.utc)
        job_id = await store.insert(registry.kind(kind), dict(schedule.payload), user_id=None, run_at=tick,
                                    dedupe_key=schedules.dedupe_key(schedule, tick))
        if job_id is not None:
            await self.defer(job_id, kind, tick)

    async def defer(self, job_id: UUID, kind: str, run_at: datetime | None = None) -> str:
        await self.open()
        options = {"schedule_at": run_at} if run_at and run_at > datetime.now(timezone.utc) else {}
        ref = await self.app.configure_task(kind, **options).defer_async(job_id=str(job_id))
        await store.set_queue_ref(job_id, str(ref))
        return str(ref)

    async def forget(self, ref: str) -> None:
        """Drop a waiting delivery (the row is already cancelled; this only tidies the queue)."""
        if ref:
            await self.open()
            with contextlib.suppress(Exception):
                await self.app.job_manager.cancel_job_by_id_async(int(ref), delete_job=True)

    async def _reap(self) -> None:
        """Jobs of a dead worker: ours go back to ``failed``; procrastinate's delivery is retried."""
        while True:
            for job in await store.reap_stalled(self.stale_after):
                if job["status"] == "failed" and job["queue_ref"]:
                    with contextlib.suppress(Exception):
                        await self.app.job_manager.retry_job_by_id_async(int(job["queue_ref"]), retry_at=datetime.now(timezone.utc))
            await asyncio.sleep(max(self.stale_after / 2, 0.5))

    async def run_worker(self, *, concurrency: int, once: bool, poll: float, signals: bool = True) -> None:
        await self.open()
        reaper = asyncio.create_task(self._reap())
        try:
            await self.app.run_worker_async(
                concurrency=concurrency, wait=not once, fetch_job_polling_interval=poll,
                install_signal_handlers=signals, name=self.worker,
            )
        finally:
            reaper.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reaper


async def ensure_schema(settings) -> bool:
    """Create procrastinate's tables once (idempotent: skipped when they exist)."""
    from core.auth.common import fetch

    if (await fetch("SELECT to_regclass('public.procrastinate_jobs') IS NOT NULL AS present"))[0]["present"]:
        return False
    app = App(connector=connector(settings, max_size=1))
    async with app.open_async():
        await app.schema_manager.apply_schema_async()
    return True

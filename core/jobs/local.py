"""The in-process worker for SQLite: no extra service for the embedded default.

It polls ``core_job`` (an indexed query on status and run_at), claims one due
job at a time in an IMMEDIATE transaction, and runs up to ``concurrency``
jobs as asyncio tasks. Retries are the claimed row coming due again;
schedules fire through :mod:`core.jobs.schedules`; jobs whose worker died
are reaped by their stale heartbeat. Several of these (in one process, in
several app processes, in ``klientela worker``) share the table safely.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from core.auth.common import utcnow
from core.jobs import runner, schedules, store
from core.jobs.registry import registry_of

log = logging.getLogger("klientela.jobs")


class LocalWorker:
    def __init__(self, kernel, *, concurrency: int = 2, poll: float = 1.0, heartbeat: float = 5.0,
                 stale_after: float = 60.0, name: str | None = None):
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.kernel, self.concurrency, self.poll = kernel, concurrency, poll
        self.heartbeat, self.stale_after = heartbeat, stale_after
        self.name = name or store.worker_name()
        self._stop = asyncio.Event()
        self._running: set[asyncio.Task] = set()

    async def tick(self) -> int:
        """One pass: reap, fire schedules, start what is due and fits; returns how many started."""
        await store.reap_stalled(self.stale_after)
        await schedules.fire_due(self.kernel, utcnow())
        started = 0
        while len(self._running) < self.concurrency:
            job = await store.claim_next(self.name, registry_of(self.kernel).kinds)
            if job is None:
                break
            task = asyncio.create_task(runner.execute(self.kernel, job, heartbeat=self.heartbeat))
            self._running.add(task)
            task.add_done_callback(self._running.discard)
            started += 1
        return started

    async def run(self, *, once: bool = False) -> None:
        """Work until :meth:`stop` (or, with ``once``, until nothing is due and nothing runs)."""
        try:
            await self._loop(once)
            await self.drain()
        except asyncio.CancelledError:
            # Stopped hard: running jobs are cancelled too, and go back to the queue.
            for task in self._running:
                task.cancel()
            await asyncio.gather(*self._running, return_exceptions=True)
            raise

    async def _loop(self, once: bool) -> None:
        while not self._stop.is_set():
            try:
                started = await self.tick()
            except Exception:  # a database hiccup must not end the worker
                log.exception("job worker pass failed")
                started = 0
            if once and not started and not self._running:
                break
            if once and self._running:
                await asyncio.wait(self._running, return_when=asyncio.FIRST_COMPLETED)
                continue
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.poll)

    async def drain(self) -> None:
        if self._running:
            await asyncio.gather(*self._running, return_exceptions=True)

    def stop(self) -> None:
        self._stop.set()

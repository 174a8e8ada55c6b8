"""The in-process worker (SQLite) lives exactly as long as its app is served."""

from __future__ import annotations

import asyncio

import pytest

from core.jobs.local import LocalWorker
from core.testing.databases import on_postgres
from core.testing.fixtures import serving

pytestmark = pytest.mark.skipif(on_postgres(), reason="PostgreSQL runs no in-process worker")


def live_workers() -> int:
    """In-process workers whose loop still runs in this event loop."""
    return sum(1 for task in asyncio.all_tasks()
               if not task.done() and getattr(task.get_coro(), "__qualname__", "") == LocalWorker.run.__qualname__)


async def test_an_app_served_twice_at_once_runs_one_worker_and_leaves_none(app_factory):
    before = live_workers()
    app = app_factory(jobs_in_process=True)
    async with serving(app):
        assert live_workers() == before + 1
        async with serving(app):
            assert live_workers() == before + 1  # the second start shares the first's worker
        assert live_workers() == before + 1  # still served: the worker stays
    await asyncio.sleep(0)
    # Before the fix the first shutdown stopped only the second worker, and the
    # first ran on for the rest of the process, claiming other apps' jobs.
    assert live_workers() == before

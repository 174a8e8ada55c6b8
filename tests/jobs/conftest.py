"""Fixtures of the jobs suite: kernels with the ``jobtest`` kinds, workers, waiting."""

from __future__ import annotations

import asyncio
import contextlib
import time

import pytest

from core.auth.common import fetch
from core.testing.databases import on_postgres
from tests.jobs.kinds import Plugin

FAST = {"jobs_in_process": False, "jobs_poll_seconds": 0.05, "jobs_heartbeat_seconds": 0.2, "jobs_stale_seconds": 30}


@pytest.fixture(autouse=True)
def cheap_argon2():
    # Sign-ins here test jobs, not password hashing (checked in tests/auth).
    from core.auth.passwords import cheap_hashing_for_tests

    with cheap_hashing_for_tests():
        yield


@pytest.fixture
async def jobs_db(accounts):
    """``jobtest_run`` exists and is empty; no job is left for later suites."""
    from core.db.engine import get_engine

    engine = get_engine()
    await engine.run_ddl("CREATE TABLE IF NOT EXISTS jobtest_run (job_id VARCHAR(64), worker_note VARCHAR(200))")
    await engine.run_ddl("DELETE FROM jobtest_run")
    await engine.run_ddl("DELETE FROM core_job")
    yield
    await engine.run_ddl("DELETE FROM core_job")
    if on_postgres():
        await engine.run_ddl("DELETE FROM procrastinate_jobs")


@pytest.fixture
def kernel_factory(app_factory, jobs_db):
    """``kernel_factory(schedule=False)``: an app's kernel with the test kinds (and the every-second schedule)."""
    built = []

    def build(schedule: bool = False, **overrides):
        app = app_factory(**{**FAST, **overrides})
        app.state.kernel.pm.register(Plugin(schedule), name="jobtest")
        built.append(app.state.kernel)
        return app

    yield build


@pytest.fixture
async def kernel(kernel_factory):
    app = kernel_factory()
    yield app.state.kernel
    from core.jobs.api import close_queue

    await close_queue(app.state.kernel)


@contextlib.asynccontextmanager
async def worker(kernel, concurrency: int = 2):
    """A worker of the suite's engine (procrastinate on PostgreSQL) running beside the test."""
    from core.jobs.api import close_queue, run_worker

    task = asyncio.create_task(run_worker(kernel.settings, kernel=kernel, concurrency=concurrency, poll=0.05, signals=False))
    try:
        await asyncio.sleep(0.05)
        if task.done():
            task.result()  # a worker that failed to start fails the test with its own error
        yield task
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await close_queue(kernel)


async def until(condition, timeout: float = 15.0, every: float = 0.05):
    """Wait for an async condition to hold; returns its (truthy) value."""
    deadline = time.monotonic() + timeout
    while True:
        value = await condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s (last value {value!r})")
        await asyncio.sleep(every)


async def status_is(job_id, *statuses):
    from core.jobs.store import get

    async def check():
        job = await get(job_id)
        return job if job and job["status"] in statuses else None

    return check


async def runs(job_id=None) -> int:
    if job_id is None:
        return int((await fetch("SELECT count(*) AS n FROM jobtest_run"))[0]["n"])
    return int((await fetch("SELECT count(*) AS n FROM jobtest_run WHERE job_id = {}", str(job_id)))[0]["n"])

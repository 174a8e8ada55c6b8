"""The scan as a background job: run by a real worker as the user who started it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time

from core.auth.passwords import cheap_hashing_for_tests
from core.testing.fixtures import USER_PASSWORD  # noqa: F401  (make_user's default password)

FAST = {"jobs_in_process": False, "jobs_poll_seconds": 0.05, "jobs_heartbeat_seconds": 0.2, "jobs_stale_seconds": 30}


@contextlib.asynccontextmanager
async def worker(kernel):
    from core.jobs.api import close_queue, run_worker

    task = asyncio.create_task(run_worker(kernel.settings, kernel=kernel, concurrency=1, poll=0.05, signals=False))
    try:
        yield task
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await close_queue(kernel)


async def _finished(job_id, timeout=60.0):
    from core.jobs.store import get

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = await get(job_id)
        if job and job["status"] in ("done", "dead", "failed"):
            return job
        await asyncio.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


async def test_scan_job_runs_as_its_user(app_factory, make_user):
    from core.jobs import enqueue
    from core.permissions.gate import Gate
    from core.auth.principals import principal_for_user
    from plugins.contacts.dedupe.scan import get_scan

    kernel = app_factory(**FAST).state.kernel
    with cheap_hashing_for_tests():
        manager = await make_user(roles=["sales_manager"])
        colleague = await make_user(roles=["sales_manager"])
    me = await principal_for_user(manager.id, via="session")
    other = await principal_for_user(colleague.id, via="session")
    # Two of the manager's own clients share a phone; a colleague (another team) has a third.
    mine = await Gate(kernel, kernel.entities["contacts.client"], me).create({"name": "Job Test A", "phone": "+7 916 700-00-01"})
    await Gate(kernel, kernel.entities["contacts.client"], me).create({"name": "Job Test B", "phone": "8 916 700 00 01"})
    await Gate(kernel, kernel.entities["contacts.client"], other).create({"name": "Job Test C", "phone": "+79167000001"})

    job_id = await enqueue(kernel, "contacts.dedupe_scan", {"rules": ["phone"], "veto": ["tax_id"], "max_block": 1000,
                                                            "regions": ["RU"]}, user_id=manager.id)
    async with worker(kernel):
        job = await _finished(job_id)
    assert job["status"] == "done", job
    result = job["result"] if isinstance(job["result"], dict) else json.loads(job["result"])
    scan = await get_scan(result["scan_id"], me)
    # Team scope: the manager reads their own clients only here, so the colleague's third is not in it.
    assert scan["stats"]["records"] >= 2 and scan["stats"]["clusters"] >= 1
    from plugins.contacts.dedupe.scan import report_page

    report = await report_page(kernel, me, result["scan_id"])
    names = {r["name"] for c in report["clusters"] for r in c["records"]}
    assert {"Job Test A", "Job Test B"} <= names and "Job Test C" not in names
    assert mine["id"] in {r["id"] for c in report["clusters"] for r in c["records"]}

    bad = await enqueue(kernel, "contacts.dedupe_scan", {"rules": ["fax"]}, user_id=manager.id)
    async with worker(kernel):
        job = await _finished(bad)
    assert job["status"] == "dead" and "Unknown term" in (job.get("error") or job.get("last_error") or str(job))

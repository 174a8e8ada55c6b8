"""Job kinds the tests register on a kernel, as a plugin named ``jobtest`` would.

Every execution is written to ``jobtest_run`` (a table the fixture makes), so
"ran twice" and "never ran" are facts in the database, not in a test's memory.
"""

from __future__ import annotations

import asyncio

from core.auth.common import fetch
from core.hooks import hookimpl
from core.hooks.contributions import Backoff, JobKind, Schedule
from core.permissions.errors import GateError
from core.permissions.gate import Gate


async def _record(ctx) -> int:
    """Note this execution; returns how many earlier ones this job had."""
    earlier = (await fetch("SELECT count(*) AS n FROM jobtest_run WHERE job_id = {}", str(ctx.job_id)))[0]["n"]
    await fetch("INSERT INTO jobtest_run (job_id, worker_note) VALUES ({}, {})", str(ctx.job_id), ctx.kind)
    return int(earlier)


async def count(ctx, n: int, pause: float = 0.0):
    await _record(ctx)
    for i in range(1, n + 1):
        if pause:
            await asyncio.sleep(pause)
        await ctx.progress(i, n, f"step {i}")
    return {"counted": n}


async def flaky(ctx, fail_runs: int):
    """Fails on its first ``fail_runs`` executions (counted in the database), then succeeds."""
    if await _record(ctx) < fail_runs:
        raise RuntimeError(f"planned failure of {ctx.job_id}")
    return {"ok": True}


async def read_client(ctx, client_id: str):
    await _record(ctx)
    gate = await Gate.open(ctx.kernel, "contacts.client", ctx.principal)
    try:
        row = await gate.get(client_id)
    except GateError:
        return {"visible": False, "as": str(ctx.principal.user_id)}
    return {"visible": True, "name": row["name"], "as": str(ctx.principal.user_id)}


async def slow(ctx, steps: int, pause: float):
    await _record(ctx)
    for i in range(steps):
        await ctx.check_cancelled()
        await ctx.progress(i, steps)
        await asyncio.sleep(pause)
    return {"finished": True}


async def tick(ctx):
    await _record(ctx)
    return {"system": ctx.principal.user_id is None and ctx.principal.via == "system"}


KINDS = [
    JobKind("jobtest.count", count, max_attempts=1),
    JobKind("jobtest.flaky", flaky, max_attempts=2, backoff=Backoff(base=0.4, factor=2, cap=5)),
    JobKind("jobtest.read_client", read_client, max_attempts=1),
    JobKind("jobtest.slow", slow, max_attempts=1),
    JobKind("jobtest.tick", tick, max_attempts=1),
]


class Plugin:
    def __init__(self, with_schedule: bool):
        self.with_schedule = with_schedule

    @hookimpl
    def register_jobs(self, kernel):
        return KINDS + ([Schedule("jobtest.tick", "* * * * * *")] if self.with_schedule else [])

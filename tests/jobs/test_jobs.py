"""Background jobs end to end, on the suite's engine (procrastinate on PostgreSQL,
the in-process worker on SQLite): run, progress, permissions, retries, the
dead letter, cancel, schedules, deactivated users, and two workers."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from core.auth.principals import principal_for_user
from core.auth.tables import User
from core.auth.users import deactivate_user
from core.jobs import api, schedules, store
from core.jobs.registry import registry_of
from core.permissions.gate import Gate
from core.testing.databases import on_postgres
from core.testing.fixtures import ADMIN_EMAIL
from tests.jobs.conftest import runs, status_is, until, worker


async def admin_principal():
    admin = await User.objects().where(User.email == ADMIN_EMAIL).first()
    return await principal_for_user(admin.id)


async def test_enqueue_runs_to_done_with_progress(kernel, make_user):
    ann = await make_user()
    job_id = await api.enqueue(kernel, "jobtest.count", {"n": 3}, user_id=ann.id)
    assert (await store.get(job_id))["status"] == "queued"
    async with worker(kernel):
        job = await until(await status_is(job_id, "done", "dead"))
    assert job["status"] == "done", job["last_error"]
    assert (job["progress_done"], job["progress_total"], job["progress_message"]) == (3, 3, "step 3")
    assert job["result"] == {"counted": 3} and job["attempts"] == 1 and job["user_id"] == ann.id
    assert job["started_at"] <= job["finished_at"]
    assert await runs(job_id) == 1


async def test_the_task_runs_as_its_starter_and_the_gate_holds(kernel, make_user):
    suffix = uuid.uuid4().hex[:6]
    ann = await make_user(roles=["sales_manager"], team=f"ann-{suffix}", department=f"ann-dept-{suffix}")
    bob = await make_user(roles=["sales_manager"], team=f"bob-{suffix}", department=f"bob-dept-{suffix}")
    system = await admin_principal()
    entity = kernel.entities["contacts.client"]
    bobs = await Gate(kernel, entity, system).create({"name": f"Bob's {suffix}", "owner_id": str(bob.id)})
    anns = await Gate(kernel, entity, system).create({"name": f"Ann's {suffix}", "owner_id": str(ann.id)})
    other = await api.enqueue(kernel, "jobtest.read_client", {"client_id": str(bobs["id"])}, user_id=ann.id)
    own = await api.enqueue(kernel, "jobtest.read_client", {"client_id": str(anns["id"])}, user_id=ann.id)
    async with worker(kernel):
        refused = await until(await status_is(other, "done", "dead"))
        allowed = await until(await status_is(own, "done", "dead"))
    assert refused["result"] == {"visible": False, "as": str(ann.id)}
    assert allowed["result"] == {"visible": True, "name": f"Ann's {suffix}", "as": str(ann.id)}


async def test_failures_back_off_then_die_and_the_dead_letter_retries(kernel, make_user):
    ann = await make_user()
    job_id = await api.enqueue(kernel, "jobtest.flaky", {"fail_runs": 2}, user_id=ann.id)
    async with worker(kernel):
        failed = await until(await status_is(job_id, "failed", "dead"))
        assert failed["status"] == "failed" and failed["attempts"] == 1
        assert "planned failure" in failed["last_error"]
        # Backoff(base=0.4): the retry is due 0.4 s after the first failure, not at once.
        assert failed["run_at"] - failed["started_at"] >= timedelta(seconds=0.35)
        dead = await until(await status_is(job_id, "dead"))
    assert dead["attempts"] == 2 and dead["finished_at"] is not None and await runs(job_id) == 2
    ann_principal = await principal_for_user(ann.id)
    assert [j["id"] for j in await api.list_jobs(ann_principal, status="dead")] == [job_id]
    with pytest.raises(api.JobStateError):
        await api.cancel(kernel, job_id, ann_principal)
    again = await api.retry(kernel, job_id, ann_principal)
    assert again["status"] == "queued" and again["attempts"] == 0
    async with worker(kernel):
        done = await until(await status_is(job_id, "done", "dead"))
    assert done["status"] == "done" and done["result"] == {"ok": True} and await runs(job_id) == 3


async def test_a_cancelled_waiting_job_never_runs(kernel, make_user):
    ann = await make_user()
    principal = await principal_for_user(ann.id)
    job_id = await api.enqueue(kernel, "jobtest.count", {"n": 1}, user_id=ann.id)
    control = await api.enqueue(kernel, "jobtest.count", {"n": 1}, user_id=ann.id)
    assert (await api.cancel(kernel, job_id, principal))["status"] == "cancelled"
    async with worker(kernel):
        await until(await status_is(control, "done"))
        await asyncio.sleep(0.3)
    assert (await store.get(job_id))["status"] == "cancelled"
    assert await runs(job_id) == 0 and await runs(control) == 1


async def test_a_running_job_sees_the_cancel_and_stops(kernel, make_user):
    ann = await make_user()
    principal = await principal_for_user(ann.id)
    job_id = await api.enqueue(kernel, "jobtest.slow", {"steps": 400, "pause": 0.02}, user_id=ann.id)
    async with worker(kernel):
        async def moving():
            job = await store.get(job_id)
            return job["status"] == "running" and job["progress_done"] >= 3
        await until(moving)
        assert (await api.cancel(kernel, job_id, principal))["status"] == "running"  # asked, not yet stopped
        job = await until(await status_is(job_id, "cancelled", "done"))
    assert job["status"] == "cancelled" and job["progress_done"] < 399 and job["result"] is None


async def test_a_periodic_schedule_fires_once_per_tick(kernel_factory):
    app = kernel_factory(schedule=True)
    kernel = app.state.kernel
    async with worker(kernel):
        async def ticked():
            return [j for j in await store.page(user_ids=None, status="done") if j["kind"] == "jobtest.tick"]
        done = await until(ticked, timeout=10)
    assert done[0]["user_id"] is None and done[0]["result"] == {"system": True}
    keys = [j["dedupe_key"] for j in await store.page(user_ids=None, limit=500) if j["kind"] == "jobtest.tick"]
    assert len(keys) == len(set(keys)) and all(k.startswith("jobtest.tick@") for k in keys)
    # A tick noticed again (another worker, another process) adds nothing.
    now = datetime.now(timezone.utc)
    first = await schedules.fire_due(kernel, now)
    assert await schedules.fire_due(kernel, now) == []
    # Other schedules (core's hourly clean-up) may be due too: count this one's.
    assert len([i for i in first if (await store.get(i))["kind"] == "jobtest.tick"]) <= 1
    from core.jobs.api import close_queue

    await close_queue(kernel)


async def test_a_deactivated_users_job_dies_with_a_clear_message(kernel, make_user):
    ann = await make_user()
    job_id = await api.enqueue(kernel, "jobtest.count", {"n": 1}, user_id=ann.id)
    await deactivate_user(ann.id)
    async with worker(kernel):
        job = await until(await status_is(job_id, "dead", "done"))
    assert job["status"] == "dead" and job["attempts"] == 1
    assert "deactivated" in job["last_error"] and str(ann.id) in job["last_error"]
    assert await runs(job_id) == 0


async def test_two_workers_never_run_one_job_twice(kernel_factory, make_user):
    """Two workers with their own kernels (and, on PostgreSQL, their own procrastinate
    apps and pools), as two processes would be: they share nothing but the database."""
    ann = await make_user()
    first, second = kernel_factory().state.kernel, kernel_factory().state.kernel
    ids = [await api.enqueue(first, "jobtest.count", {"n": 1, "pause": 0.01}, user_id=ann.id) for _ in range(30)]
    await api.close_queue(first)
    async with worker(first, concurrency=3), worker(second, concurrency=3):
        async def all_done():
            rows = [await store.get(i) for i in ids]
            return rows if all(r["status"] == "done" for r in rows) else None
        rows = await until(all_done, timeout=30)
    assert [await runs(i) for i in ids] == [1] * 30
    assert all(r["attempts"] == 1 for r in rows)
    assert len({r["worker"] for r in rows}) >= 2  # both took part


@pytest.mark.skipif(on_postgres(), reason="procrastinate routes tasks on PostgreSQL; this is the SQLite claim")
async def test_a_worker_leaves_kinds_it_does_not_know_queued(kernel_factory, make_user):
    """A process without the plugin (started before it was enabled, or half an
    upgrade) must not take that plugin's jobs, let alone fail them."""
    ann = await make_user()
    knows = kernel_factory().state.kernel
    job_id = await api.enqueue(knows, "jobtest.count", {"n": 1}, user_id=ann.id)
    await api.close_queue(knows)
    stranger = kernel_factory().state.kernel
    stranger.pm.unregister(name="jobtest")
    assert "jobtest.count" not in registry_of(stranger).kinds
    # Only the kinds it knows (here: its one other test kind, with nothing due), so
    # that it cannot take, and strand, a real job of the session's schedules.
    assert await store.claim_next("stranger:1", ["jobtest.tick"]) is None
    assert (await store.get(job_id))["status"] == "queued"
    async with worker(knows):
        job = await until(await status_is(job_id, "done", "dead"))
    assert job["status"] == "done" and await runs(job_id) == 1


async def test_a_job_whose_worker_died_is_retried(kernel, make_user):
    ann = await make_user()
    job_id = await api.enqueue(kernel, "jobtest.count", {"n": 1}, user_id=ann.id)
    # A worker claimed it and was killed: the row says running, the heartbeat stopped long ago.
    claimed = await store.claim(job_id, "gone:1")
    assert claimed["status"] == "running"
    await store.fetch("UPDATE core_job SET heartbeat_at = {} WHERE id = {}", datetime.now(timezone.utc) - timedelta(hours=1), job_id)
    reaped = await store.reap_stalled(60)
    assert [(r["id"], r["status"]) for r in reaped] == [(job_id, "dead")]  # max_attempts 1: no attempt left
    job = await store.get(job_id)
    assert "stopped without finishing" in job["last_error"]


async def test_bad_input_is_refused_clearly(kernel, make_user):
    ann = await make_user()
    with pytest.raises(api.JobInputError, match="no job kind 'jobtest.nope'"):
        await api.enqueue(kernel, "jobtest.nope", {}, user_id=ann.id)
    with pytest.raises(api.JobInputError, match="does not fit its task"):
        await api.enqueue(kernel, "jobtest.count", {"m": 1}, user_id=ann.id)
    with pytest.raises(api.JobInputError, match="JSON"):
        await api.enqueue(kernel, "jobtest.count", {"n": object()}, user_id=ann.id)
    with pytest.raises(api.JobInputError, match="timezone"):
        await api.enqueue(kernel, "jobtest.count", {"n": 1}, user_id=ann.id, run_at=datetime(2030, 1, 1))
    assert await store.page(user_ids={ann.id}) == []


async def test_cleanup_sessions_removes_only_dead_sessions(kernel, make_user):
    from core.auth.sessions import create_session
    from core.auth.tables import LoginAttempt, Session

    ann = await make_user()
    live = await create_session(ann.id, kernel.settings)
    dead = await create_session(ann.id, kernel.settings)
    await Session.update({Session.expires_at: datetime.now(timezone.utc) - timedelta(minutes=1)}).where(Session.id == dead.id)
    old = datetime.now(timezone.utc) - timedelta(days=31)
    await LoginAttempt.insert(LoginAttempt(email=ann.email, ip="10.9.9.9", device="", at=old, success=False, throttled=False))
    job_id = await api.enqueue(kernel, "core.cleanup_sessions", user_id=None)
    async with worker(kernel):
        job = await until(await status_is(job_id, "done", "dead"))
    assert job["status"] == "done", job["last_error"]
    # The hourly schedule's own run may have tidied first (the worker fires a
    # tick less than ten minutes old), so the counts are not ours to assert; the end state is.
    assert set(job["result"]) == {"sessions", "login_attempts"}
    assert await Session.exists().where(Session.id == live.id)
    assert not await Session.exists().where(Session.id == dead.id)
    assert not await LoginAttempt.exists().where(LoginAttempt.ip == "10.9.9.9")

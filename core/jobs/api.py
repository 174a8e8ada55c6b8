"""The job API, the same on both engines (see docs/jobs.md).

Who sees what: a user sees the jobs they started; ``core.job.read`` widens
that by its scope (team, department, all — scheduled jobs, which belong to
nobody, need ``all``). Cancelling or retrying needs being able to see the
job and either having started it or ``core.job.manage`` at a scope that
covers its starter. Anything else answers "not found", like everywhere.
"""

from __future__ import annotations

import inspect
import json
from datetime import datetime
from uuid import UUID

from core.auth.common import as_uuid
from core.jobs import store
from core.jobs.registry import UnknownJobKind, registry_of
from core.permissions.principal import Principal


class JobNotFound(LookupError):
    pass


class JobInputError(ValueError):
    pass


class JobStateError(ValueError):
    """The job is not in a state that allows this (cancel a finished job, retry a running one)."""


def uses_procrastinate(kernel) -> bool:
    return kernel.settings.is_postgres


def queue_of(kernel):
    """PostgreSQL: this kernel's procrastinate app (a connection pool, opened on first use)."""
    queue = kernel.__dict__.get("_job_queue")
    if queue is None:
        from core.jobs.queue_pg import PgQueue

        s = kernel.settings
        queue = kernel.__dict__["_job_queue"] = PgQueue(kernel, heartbeat=s.jobs_heartbeat_seconds, stale_after=s.jobs_stale_seconds)
    return queue


async def close_queue(kernel) -> None:
    queue = kernel.__dict__.pop("_job_queue", None)
    if queue is not None:
        await queue.close()


def _check_payload(kind, payload) -> dict:
    if payload is None:
        payload = {}
    if not isinstance(payload, dict) or not all(isinstance(k, str) for k in payload):
        raise JobInputError(f"job {kind.name}: the payload must be an object with string keys")
    try:
        json.dumps(payload)
    except (TypeError, ValueError) as exc:
        raise JobInputError(f"job {kind.name}: the payload must be JSON ({exc})") from None
    try:
        inspect.signature(kind.run).bind(None, **payload)
    except TypeError as exc:
        raise JobInputError(f"job {kind.name}: the payload does not fit its task ({exc})") from None
    return payload


async def enqueue(kernel, kind: str, payload: dict | None = None, *, user_id: UUID | None, run_at: datetime | None = None) -> UUID:
    """Queue a job of ``kind`` to run as ``user_id`` (``None``: a system job), now or at ``run_at``."""
    try:
        spec = registry_of(kernel).kind(kind)
    except UnknownJobKind as exc:
        raise JobInputError(str(exc)) from None
    payload = _check_payload(spec, payload)
    if run_at is not None and run_at.tzinfo is None:
        raise JobInputError("run_at must be timezone-aware")
    job_id = await store.insert(spec, payload, user_id=as_uuid(user_id), run_at=run_at)
    if uses_procrastinate(kernel):
        try:
            await queue_of(kernel).defer(job_id, kind, run_at)
        except BaseException:
            await store.delete(job_id)  # never leave a row that no worker will ever get
            raise
    return job_id


def _reach(principal: Principal, permission: str, owner: UUID | None) -> bool:
    """Does ``permission``'s scope reach jobs started by ``owner``?"""
    scope = principal.scope(permission)
    if scope == "all":
        return True
    if owner is None or scope == "none":
        return False
    if scope == "department":
        return owner in principal.department_member_ids
    if scope == "team":
        return owner in principal.team_member_ids
    return owner == principal.user_id


def can_see(principal: Principal, job: dict) -> bool:
    return (job["user_id"] is not None and job["user_id"] == principal.user_id) or _reach(principal, "core.job.read", job["user_id"])


def can_manage(principal: Principal, job: dict) -> bool:
    own = job["user_id"] is not None and job["user_id"] == principal.user_id
    return can_see(principal, job) and (own or _reach(principal, "core.job.manage", job["user_id"]))


async def get_job(job_id, principal: Principal | None = None) -> dict:
    """The job row; with a principal, only if they may see it (else :class:`JobNotFound`)."""
    try:
        job_uuid = as_uuid(job_id)
    except ValueError:
        raise JobNotFound("no such job") from None
    job = await store.get(job_uuid)
    if job is None or (principal is not None and not can_see(principal, job)):
        raise JobNotFound("no such job")
    return job


async def list_jobs(principal: Principal, *, status: str | None = None, mine: bool = False, limit: int = 50,
                    before: datetime | None = None) -> list[dict]:
    """Newest first: the principal's own jobs, or all they may see (``mine=False``)."""
    if status is not None and status not in store.STATUSES:
        raise JobInputError(f"unknown status {status!r}; one of {', '.join(store.STATUSES)}")
    if not 1 <= limit <= 500:
        raise JobInputError("limit must be between 1 and 500")
    scope = "own" if mine else principal.scope("core.job.read")
    if scope == "all":
        return await store.page(user_ids=None, status=status, limit=limit, before=before)
    ids = {principal.user_id}
    if scope == "team":
        ids |= set(principal.team_member_ids)
    elif scope == "department":
        ids |= set(principal.department_member_ids)
    return await store.page(user_ids=ids, status=status, limit=limit, before=before)


async def cancel(kernel, job_id, principal: Principal) -> dict:
    """Cancel a waiting job (it never runs) or ask a running one to stop."""
    job = await get_job(job_id, principal)
    if not can_manage(principal, job):
        raise JobNotFound("no such job")
    status = await store.request_cancel(job["id"])
    if status is None:
        raise JobStateError(f"the job is already {job['status']}; only waiting or running jobs can be cancelled")
    if status == "cancelled" and uses_procrastinate(kernel):
        await queue_of(kernel).forget(job["queue_ref"])
    return await get_job(job["id"])


async def retry(kernel, job_id, principal: Principal) -> dict:
    """Run a dead (or cancelled) job again, with a fresh set of attempts."""
    job = await get_job(job_id, principal)
    if not can_manage(principal, job):
        raise JobNotFound("no such job")
    if not await store.requeue(job["id"]):
        raise JobStateError(f"the job is {job['status']}; only dead or cancelled jobs can be retried")
    if uses_procrastinate(kernel):
        await queue_of(kernel).defer(job["id"], job["kind"])
    return await get_job(job["id"])


async def run_worker(settings, *, concurrency: int | None = None, once: bool = False, kernel=None,
                     poll: float | None = None, signals: bool = True) -> None:
    """Work jobs until stopped (``once``: until nothing is due). PostgreSQL:
    a procrastinate worker; SQLite: the in-process worker loop."""
    from core.db.bootstrap import bound_kernel

    kernel = kernel or bound_kernel(settings)
    concurrency = concurrency or settings.jobs_concurrency
    poll = poll or settings.jobs_poll_seconds
    if uses_procrastinate(kernel):
        from core.db.engine import close_pool, get_engine, start_pool

        engine = get_engine(settings)
        own_pool = getattr(engine, "pool", None) is None  # a worker process; in an app the app owns it
        if own_pool:
            await start_pool(engine, settings)
        try:
            await queue_of(kernel).run_worker(concurrency=concurrency, once=once, poll=poll, signals=signals)
        finally:
            if own_pool:
                await close_pool(engine)
        return
    from core.jobs.local import LocalWorker

    worker = LocalWorker(kernel, concurrency=concurrency, poll=poll, heartbeat=settings.jobs_heartbeat_seconds,
                         stale_after=settings.jobs_stale_seconds)
    await worker.run(once=once)


"""Every read and write of ``core_job``: one conditional statement per state change.

A state change is a single ``UPDATE ... WHERE status IN (...)``, so two
workers, a worker and a user's cancel, or two app servers never both win:
the loser's statement matches no row. Nothing is kept in memory between
calls (P9).
"""

from __future__ import annotations

import json
import os
import secrets
import socket
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from core.auth.common import as_uuid, fetch, on_postgres, utcnow
from core.db.engine import get_engine, write_transaction
from core.hooks.contributions import JobKind
from core.jobs.tables import Job

STATUSES = ("queued", "running", "failed", "done", "dead", "cancelled")
WAITING = ("queued", "failed")  # may be claimed once run_at has come
FINISHED = ("done", "dead", "cancelled")
MAX_ERROR = 4000


def worker_name() -> str:
    """host:pid plus a short random part: two workers in one process stay apart."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(2)}"


def _json(value: Any) -> tuple[str, str]:
    """A JSON parameter: ``(placeholder, text)`` for the engine in use."""
    return ("CAST({} AS JSONB)" if on_postgres() else "{}"), json.dumps(value, default=str)


def _ts() -> str:
    """A timestamp placeholder inside CASE: PostgreSQL cannot infer the parameter's type there."""
    return "CAST({} AS TIMESTAMPTZ)" if on_postgres() else "{}"


def _row(row: dict | None) -> dict | None:
    if row is None:
        return None
    for key in ("payload", "result"):
        if isinstance(row.get(key), str):
            row[key] = json.loads(row[key])
    for key in ("id", "user_id"):
        row[key] = as_uuid(row.get(key))
    row["cancel_requested"] = bool(row.get("cancel_requested"))
    return row


async def insert(kind: JobKind, payload: dict, *, user_id: UUID | None, run_at: datetime | None = None,
                 dedupe_key: str | None = None) -> UUID | None:
    """A new queued job; ``None`` when ``dedupe_key`` was already used (a periodic tick fired twice)."""
    row = Job(kind=kind.name, payload=json.dumps(payload), user_id=user_id, status="queued",
              max_attempts=kind.max_attempts, run_at=run_at or utcnow(), created_at=utcnow(), dedupe_key=dedupe_key)
    query = Job.insert(row).returning(Job.id)
    if dedupe_key is not None:
        query = query.on_conflict(target=Job.dedupe_key, action="DO NOTHING")
    rows = await query
    return as_uuid(rows[0]["id"]) if rows else None


async def exists_key(dedupe_key: str) -> bool:
    return bool(await fetch("SELECT id FROM core_job WHERE dedupe_key = {}", dedupe_key))


async def get(job_id: UUID) -> dict | None:
    return _row(await Job.select().where(Job.id == job_id).output(load_json=True).first())


async def set_queue_ref(job_id: UUID, ref: str) -> None:
    await Job.update({Job.queue_ref: ref}).where(Job.id == job_id)


async def delete(job_id: UUID) -> None:
    await Job.delete().where(Job.id == job_id)


_CLAIM_SET = (
    "status = 'running', attempts = attempts + 1, started_at = {}, heartbeat_at = {}, worker = {}, "
    "cancel_requested = FALSE"
)


async def claim(job_id: UUID, worker: str) -> dict | None:
    """Start this job if it is still waiting (PostgreSQL: procrastinate delivered it)."""
    now = utcnow()
    rows = await fetch(
        f"UPDATE core_job SET {_CLAIM_SET} WHERE id = {{}} AND status IN ('queued', 'failed') RETURNING *",
        now, now, worker, job_id,
    )
    return _row(rows[0]) if rows else None


async def claim_next(worker: str, kinds: Iterable[str]) -> dict | None:
    """The oldest due job of ``kinds``, started in one IMMEDIATE transaction (SQLite's in-process worker).

    A worker claims only the kinds its kernel knows: another process on the
    same database with other plugins enabled (an upgrade half rolled out, a
    worker started before a plugin was enabled) leaves the others' jobs queued
    for a worker that can run them, instead of failing them.

    IMMEDIATE takes the write lock before reading, so two workers (threads,
    processes) wait for each other instead of both reading the same row
    (a deferred transaction would fail to upgrade: "database is locked").
    """
    kinds = sorted(kinds)
    if not kinds:
        return None
    now = utcnow()
    marks = ", ".join("{}" for _ in kinds)
    due = f"status IN ('queued', 'failed') AND run_at <= {{}} AND kind IN ({marks})"
    # A plain read first: an idle worker must not take SQLite's write lock every poll.
    if not await fetch(f"SELECT id FROM core_job WHERE {due} LIMIT 1", now, *kinds):
        return None
    sql = (
        f"UPDATE core_job SET {_CLAIM_SET} WHERE id = (SELECT id FROM core_job "
        f"WHERE {due} ORDER BY run_at, id LIMIT 1) "
        "AND status IN ('queued', 'failed') RETURNING *"
    )
    from piccolo.querystring import QueryString

    engine = get_engine()
    async with write_transaction(engine):
        rows = await engine.run_querystring(QueryString(sql, now, now, worker, now, *kinds))
    return _row(dict(rows[0])) if rows else None


async def heartbeat(job_id: UUID, done: int | None = None, total: int | None = None, message: str | None = None) -> bool | None:
    """Record liveness (and progress, when given); returns whether a cancel was requested.

    ``None``: the job is no longer running here (reaped as stalled, or gone).
    """
    sets, args = ["heartbeat_at = {}"], [utcnow()]
    if done is not None:
        sets.append("progress_done = {}")
        args.append(int(done))
    if total is not None:
        sets.append("progress_total = {}")
        args.append(int(total))
    if message is not None:
        sets.append("progress_message = {}")
        args.append(str(message)[:500])
    rows = await fetch(
        f"UPDATE core_job SET {', '.join(sets)} WHERE id = {{}} AND status = 'running' RETURNING cancel_requested",
        *args, job_id,
    )
    return bool(rows[0]["cancel_requested"]) if rows else None


async def finish_done(job_id: UUID, result: Any) -> bool:
    placeholder, text = _json(result)
    rows = await fetch(
        f"UPDATE core_job SET status = 'done', finished_at = {{}}, result = {placeholder}, last_error = '', "
        "cancel_requested = FALSE WHERE id = {} AND status = 'running' RETURNING id",
        utcnow(), text, job_id,
    )
    return bool(rows)


async def finish_cancelled(job_id: UUID) -> bool:
    rows = await fetch(
        "UPDATE core_job SET status = 'cancelled', finished_at = {} WHERE id = {} AND status = 'running' RETURNING id",
        utcnow(), job_id,
    )
    return bool(rows)


async def finish_failed(job: dict, kind: JobKind | None, error: str, *, permanent: bool = False) -> tuple[str, float]:
    """Record a failed attempt: back to ``failed`` with ``run_at`` pushed by the
    kind's backoff, or ``dead`` when no attempt is left (or retrying cannot help).
    Returns ``(status, delay in seconds)``."""
    attempts = int(job["attempts"])
    dead = permanent or kind is None or attempts >= int(job["max_attempts"])
    delay = 0.0 if dead else kind.backoff.delay(attempts)
    now = utcnow()
    status = "dead" if dead else "failed"
    await fetch(
        "UPDATE core_job SET status = {}, last_error = {}, run_at = {}, finished_at = {}, cancel_requested = FALSE "
        "WHERE id = {} AND status = 'running'",
        status, error[-MAX_ERROR:], now + timedelta(seconds=delay), now if dead else None, job["id"],
    )
    return status, delay


async def release(job_id: UUID) -> None:
    """The worker is shutting down mid-job: give the job back, this attempt not counted."""
    await fetch(
        "UPDATE core_job SET status = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'queued' END, "
        "attempts = attempts - 1, run_at = {} WHERE id = {} AND status = 'running'",
        utcnow(), job_id,
    )


async def request_cancel(job_id: UUID) -> str | None:
    """Waiting jobs become ``cancelled`` at once; a running one is asked to stop.
    Returns the status after the call, ``None`` when the job had already finished."""
    rows = await fetch(
        "UPDATE core_job SET status = CASE WHEN status = 'running' THEN 'running' ELSE 'cancelled' END, "
        f"finished_at = CASE WHEN status = 'running' THEN finished_at ELSE {_ts()} END, cancel_requested = TRUE "
        "WHERE id = {} AND status IN ('queued', 'failed', 'running') RETURNING status",
        utcnow(), job_id,
    )
    return rows[0]["status"] if rows else None


async def requeue(job_id: UUID) -> bool:
    """A dead or cancelled job gets a fresh set of attempts, due now."""
    rows = await fetch(
        "UPDATE core_job SET status = 'queued', attempts = 0, run_at = {}, finished_at = NULL, started_at = NULL, "
        "cancel_requested = FALSE, progress_done = 0, progress_total = NULL, progress_message = '' "
        "WHERE id = {} AND status IN ('dead', 'cancelled') RETURNING id",
        utcnow(), job_id,
    )
    return bool(rows)


async def reap_stalled(stale_after: float) -> list[dict]:
    """Running jobs whose worker stopped heartbeating (killed, machine lost): the
    attempt counts as failed; they wait for a retry, or are dead when none is left."""
    now = utcnow()
    stale = now - timedelta(seconds=stale_after)
    if not await fetch("SELECT id FROM core_job WHERE status = 'running' AND heartbeat_at < {} LIMIT 1", stale):
        return []  # the usual case, answered by a read
    rows = await fetch(
        "UPDATE core_job SET status = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'failed' END, "
        f"finished_at = CASE WHEN attempts >= max_attempts THEN {_ts()} ELSE NULL END, run_at = {{}}, "
        "last_error = 'the worker running this job stopped without finishing it' "
        "WHERE status = 'running' AND heartbeat_at < {} RETURNING id, status, queue_ref",
        now, now, stale,
    )
    return [_row(dict(r, payload=None, result=None)) for r in rows]


async def page(*, user_ids: set | None, status: str | None = None, limit: int = 50, before: datetime | None = None) -> list[dict]:
    """Newest first; ``user_ids`` None means everybody's (scope "all")."""
    query = Job.select().order_by(Job.created_at, Job.id, ascending=False).limit(limit)
    if user_ids is not None:
        query = query.where(Job.user_id.is_in(list(user_ids)))
    if status:
        query = query.where(Job.status == status)
    if before is not None:
        query = query.where(Job.created_at < before)
    return [_row(r) for r in await query.output(load_json=True)]

"""Run one claimed job: the same code under procrastinate and the in-process worker.

The attempt is already counted (the claim did it). Here: take the
starting user's principal — kept between jobs under the principal stamp
(``core.auth.principal_cache``); a deactivated user's job dies with a clear
message, retrying cannot help — run the task with a heartbeat beside it,
and record the outcome. Returns the outcome for the backend to act on
(procrastinate schedules the retry of a ``failed`` job; the in-process
worker finds it again when ``run_at`` comes).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import inspect
import logging
import traceback
from dataclasses import dataclass

from core.auth.principal_cache import user_principal
from core.i18n import use_locale, use_timezone
from core.i18n.catalogs import app_catalogs
from core.i18n.timezones import effective_timezone
from core.jobs import store
from core.jobs.context import JobCancelled, JobContext, PermanentJobError
from core.jobs.registry import UnknownJobKind, registry_of
from core.permissions.principal import Principal

log = logging.getLogger("klientela.jobs")


@dataclass(frozen=True)
class Outcome:
    status: str  # done, failed, dead, cancelled, or "lost" (someone else finished it)
    delay: float = 0.0  # seconds until the retry, for "failed"


class UserInactive(PermanentJobError):
    pass


async def principal_of_job(job: dict) -> Principal:
    if job["user_id"] is None:
        return Principal(user_id=None, via="system")
    # Kept per user under the principal stamp: a change of their roles or a deactivation holds on the next run.
    principal = await user_principal(job["user_id"], via="job")
    if principal is None:
        raise UserInactive(
            f"the user who started this job ({job['user_id']}) is deactivated or deleted; "
            "a job runs with its starter's permissions, so it cannot run"
        )
    return principal


async def _beat(ctx: JobContext, every: float) -> None:
    while True:
        await asyncio.sleep(every)
        ctx._note(await store.heartbeat(ctx.job_id))


async def execute(kernel, job: dict, *, heartbeat: float = 5.0) -> Outcome:
    kind = None
    try:
        kind = registry_of(kernel).kind(job["kind"])
        principal = await principal_of_job(job)
    except (UnknownJobKind, PermanentJobError) as exc:
        status, _ = await store.finish_failed(job, kind, str(exc), permanent=True)
        return Outcome(status)
    # The job speaks its starter's language and reads times on their clock
    # (their choices, else the instance's): its messages, results and anything
    # it formats read both from core.i18n.
    language = principal.language or kernel.settings.language
    tz = effective_timezone(principal.timezone, kernel.settings.timezone)
    principal = dataclasses.replace(principal, language=language, timezone=tz)
    ctx = JobContext(kernel=kernel, job_id=job["id"], kind=kind.name, principal=principal, attempt=int(job["attempts"]))
    beat = asyncio.create_task(_beat(ctx, heartbeat))
    try:
        payload = job["payload"] or {}
        with use_locale(language, app_catalogs(kernel)), use_timezone(tz):
            result = kind.run(ctx, **payload)
            if inspect.isawaitable(result):
                result = await result
    except asyncio.CancelledError:
        # The worker is stopping (app shutdown): the job goes back to the queue.
        await asyncio.shield(store.release(job["id"]))
        raise
    except JobCancelled:
        return Outcome("cancelled" if await store.finish_cancelled(job["id"]) else "lost")
    except PermanentJobError as exc:
        status, _ = await store.finish_failed(job, kind, f"{type(exc).__name__}: {exc}", permanent=True)
        return Outcome(status)
    except Exception as exc:  # any failure of a task is recorded and retried, never lost
        log.warning("job %s (%s) attempt %s failed: %s", job["id"], kind.name, job["attempts"], exc)
        error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        status, delay = await store.finish_failed(job, kind, error)
        return Outcome(status, delay)
    finally:
        beat.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await beat
    if ctx.cancelled and not ctx._gone:
        # The task returned after seeing the cancel: it stopped early, so it is cancelled, not done.
        return Outcome("cancelled" if await store.finish_cancelled(job["id"]) else "lost")
    return Outcome("done" if await store.finish_done(job["id"], result) else "lost")

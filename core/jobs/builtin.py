"""Core's job contributions, through the public hooks like a plugin's: the
``core.cleanup_sessions`` kind and its hourly schedule, the ``core.job.*``
permissions, the jobs pages and API, the Jobs menu entry, and the in-process
worker of SQLite instances."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from core.hooks import hookimpl
from core.hooks.contributions import Backoff, JobKind, MenuItem, Schedule
from core.permissions.declare import entity_permissions

log = logging.getLogger("klientela.jobs")

# Login attempts older than this serve no throttle rule (the longest window is a day).
ATTEMPTS_KEPT = timedelta(days=30)


async def cleanup_sessions(ctx) -> dict:
    """Delete sessions past their idle or absolute end, and login attempts no rule reads any more.

    Login only tidies the signing-in user's own dead sessions; users who never
    come back would leave theirs forever without this.
    """
    from core.auth.common import utcnow
    from core.auth.sessions import Lifetimes
    from core.auth.tables import LoginAttempt, Session

    now = utcnow()
    life = Lifetimes.of(ctx.kernel.settings)
    dead = (Session.expires_at <= now) | (Session.last_seen_at <= now - life.idle)
    sessions = await Session.count().where(dead)
    await Session.delete().where(dead)
    await ctx.progress(1, 2, "sessions")
    old = LoginAttempt.at < now - ATTEMPTS_KEPT
    attempts = await LoginAttempt.count().where(old)
    await LoginAttempt.delete().where(old)
    await ctx.progress(2, 2, "login attempts")
    return {"sessions": sessions, "login_attempts": attempts}


@hookimpl
def register_jobs(kernel):
    return [
        JobKind("core.cleanup_sessions", cleanup_sessions, max_attempts=3, backoff=Backoff(base=60, cap=900),
                label={"en": "Remove expired sessions", "ru": "Удаление истёкших сессий"}),
        Schedule("core.cleanup_sessions", "17 * * * *"),
    ]


@hookimpl
def register_permissions(kernel):
    # read: see other users' jobs (by scope); manage: cancel and retry them.
    return entity_permissions("core", "job", actions=("read", "manage"))


@hookimpl
def register_routes(kernel):
    from core.jobs.web import ROUTES

    return ROUTES


@hookimpl
def menu_items(kernel, request):
    # "Background jobs", not "tasks": tasks are what people give each other (contacts).
    # Under Administration; a user who cannot see it still finds their own jobs at the top level.
    return [MenuItem(key="jobs", label={"en": "Background jobs", "ru": "Фоновые задания"}, url="/jobs/", order=920, parent="admin")]


@hookimpl
async def on_startup(kernel, app):
    """SQLite: run a worker inside this process (no extra service for the embedded default).

    It only holds asyncio tasks: every job, claim, heartbeat and cancel is a
    row, so several app processes (``serve --workers N``) and ``klientela
    worker`` share the work safely.
    """
    settings = kernel.settings
    if settings.is_postgres or not settings.jobs_in_process:
        return
    # One worker per app, however many times it is started: an app served
    # twice at once (two lifespans) must not leave an orphan worker behind
    # when the first shutdown replaces the reference to it.
    holders = getattr(app.state, "job_worker_holders", 0)
    app.state.job_worker_holders = holders + 1
    if holders and getattr(app.state, "job_worker", None) is not None:
        return
    from core.jobs.local import LocalWorker

    worker = LocalWorker(kernel, concurrency=settings.jobs_concurrency, poll=settings.jobs_poll_seconds,
                         heartbeat=settings.jobs_heartbeat_seconds, stale_after=settings.jobs_stale_seconds)
    app.state.job_worker = worker
    app.state.job_worker_task = asyncio.create_task(worker.run())


@hookimpl
async def on_shutdown(kernel, app):
    worker = getattr(app.state, "job_worker", None)
    holders = getattr(app.state, "job_worker_holders", 0)
    if holders > 1:
        app.state.job_worker_holders = holders - 1
        return  # another start of this app still serves; its shutdown stops the worker
    app.state.job_worker_holders = 0
    if worker is not None:
        worker.stop()
        task = app.state.job_worker_task
        # Running jobs get a short grace; then they are stopped and go back to the queue.
        done, _ = await asyncio.wait({task}, timeout=5)
        if not done:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        app.state.job_worker = None
    from core.jobs.api import close_queue

    await close_queue(kernel)

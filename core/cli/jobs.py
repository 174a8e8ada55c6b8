"""``klientela worker`` and ``klientela job list|show|cancel|retry``."""

from __future__ import annotations

import asyncio
import json

import click

from core.cli.common import die, load_settings


@click.command()
@click.option("--concurrency", type=click.IntRange(1, 64), default=None, help="Jobs run at once (default: jobs_concurrency).")
@click.option("--once", is_flag=True, help="Stop when nothing is due (instead of waiting for more).")
def worker(concurrency: int | None, once: bool) -> None:
    """Run background jobs (procrastinate on PostgreSQL, the polling worker on SQLite).

    Start as many as you like, on as many machines: they share the database.
    """
    from core.jobs.api import run_worker

    asyncio.run(run_worker(load_settings(), concurrency=concurrency, once=once))


@click.group()
def job() -> None:
    """Inspect and steer background jobs (as the administrator: every job)."""


async def _system():
    from core.db.bootstrap import bound_kernel
    from core.permissions.principal import Principal

    settings = load_settings()
    kernel = bound_kernel(settings)
    # The command line is the operator: it sees and steers every job.
    return kernel, Principal(user_id=None, via="system", grants={"core.job.read": "all", "core.job.manage": "all"})


def _run(coro):
    from core.jobs import api

    try:
        return asyncio.run(coro)
    except api.JobNotFound:
        die("no such job")
    except (api.JobStateError, api.JobInputError) as exc:
        die(str(exc))


@job.command("list")
@click.option("--status", default=None, help="queued, running, failed, done, dead (the dead letter) or cancelled.")
@click.option("--limit", type=click.IntRange(1, 500), default=50)
def list_(status: str | None, limit: int) -> None:
    """Newest jobs first."""
    from core.jobs import api

    async def go():
        _, principal = await _system()
        return await api.list_jobs(principal, status=status, limit=limit)

    for j in _run(go()):
        progress = f"{j['progress_done']}/{j['progress_total']}" if j["progress_total"] else str(j["progress_done"])
        click.echo(f"{j['id']}  {j['status']:<9}  {j['kind']:<28}  {progress:>9}  {j['attempts']}/{j['max_attempts']}  {j['created_at']:%Y-%m-%d %H:%M:%S}")


@job.command()
@click.argument("job_id")
def show(job_id: str) -> None:
    """Everything about one job, as JSON."""
    from core.jobs import api
    from core.jobs.web import job_json

    async def go():
        _, principal = await _system()
        return await api.get_job(job_id, principal)

    click.echo(json.dumps(job_json(_run(go())), indent=2, ensure_ascii=False))


def _act(name: str):
    @job.command(name=name)
    @click.argument("job_id")
    def command(job_id: str) -> None:
        from core.jobs import api

        async def go():
            kernel, principal = await _system()
            try:
                return await getattr(api, name)(kernel, job_id, principal)
            finally:
                await api.close_queue(kernel)

        click.echo(f"{job_id}: {_run(go())['status']}")

    command.__doc__ = {"cancel": "Cancel a waiting job, or ask a running one to stop.",
                       "retry": "Run a dead or cancelled job again."}[name]
    return command


cancel = _act("cancel")
retry = _act("retry")

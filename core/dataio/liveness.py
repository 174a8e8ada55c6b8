"""Runs that will never finish by themselves: a dead process's, and a changed file's.

A run says ``running`` while its batches commit. If its process dies (a kill
-9, a crash, a closed terminal) nothing else would ever change that, so the
run pages and the command line ask here first:

* a command-line run records ``host:pid`` (``runner``): on this host, a pid
  that no longer exists is a dead run;
* a job's run follows its job: a job that ended (done, dead, cancelled)
  while its run still says running or waiting left it behind.

Such a run becomes ``interrupted``: failed, and resumable from its
checkpoint (the run page's "Resume" button, or the same command again) as
long as its file is unchanged. A new run of a file with the same name but
other bytes *supersedes* the unfinished runs of the old bytes: they are
marked failed, and the new run starts from line 1 — the match rules find
the records the old one wrote, so nothing is created twice.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timezone

from core.dataio.tables import ImportRun
from core.i18n import _

ACTIVE = ("waiting", "running")


def this_runner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _process_gone(runner: str) -> bool:
    host, _sep, pid = runner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another machine's process: not ours to judge
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # exists, another user's
    return False


async def _job_ended(job_id) -> bool:
    from core.jobs.api import JobNotFound, get_job
    from core.jobs.store import FINISHED

    try:
        job = await get_job(job_id)
    except JobNotFound:
        return True
    return job["status"] in FINISHED


async def is_dead(run: dict) -> bool:
    if run["status"] not in ACTIVE:
        return False
    if run.get("runner"):
        return _process_gone(run["runner"])
    if run.get("job_id"):
        return await _job_ended(run["job_id"])
    return False


async def mark_dead(entity: str, user_id) -> int:
    """Mark this user's dead runs of ``entity`` interrupted; returns how many."""
    rows = await ImportRun.select(ImportRun.id, ImportRun.status, ImportRun.runner, ImportRun.job_id).where(
        (ImportRun.entity == entity) & (ImportRun.user_id == user_id) & ImportRun.status.is_in(list(ACTIVE)))
    count = 0
    for run in rows:
        if await is_dead(run):
            await interrupt(run["id"])
            count += 1
    return count


async def interrupt(run_id) -> None:
    await ImportRun.update({ImportRun.status: "interrupted", ImportRun.finished_at: datetime.now(timezone.utc),
                            ImportRun.error: _("The import stopped before the end (its process ended). "
                                               "Resume it to go on from the last saved row.")}).where(
        (ImportRun.id == run_id) & ImportRun.status.is_in(list(ACTIVE)))


async def supersede(run) -> int:
    """Unfinished runs of the same user, entity, mode and file name but other bytes: failed."""
    stale = await ImportRun.select(ImportRun.id).where(
        (ImportRun.entity == run.entity) & (ImportRun.user_id == run.user_id) & (ImportRun.file_name == run.file_name)
        & (ImportRun.dry_run == run.dry_run) & (ImportRun.file_sha != run.file_sha) & (ImportRun.id != run.id)
        & ImportRun.status.is_in([*ACTIVE, "interrupted"]))
    if stale:
        await ImportRun.update({ImportRun.status: "failed", ImportRun.finished_at: datetime.now(timezone.utc),
                                ImportRun.error: _("The file changed after this import started; a new import of it "
                                                   "was started, which matches the rows this one imported.")}).where(
            ImportRun.id.is_in([r["id"] for r in stale]))
    return len(stale)

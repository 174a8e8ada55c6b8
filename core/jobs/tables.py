"""``core_job``: what users see of background jobs, on both engines.

This row is the single source of truth for the jobs page, the API and the
command line. On PostgreSQL procrastinate's own tables carry delivery
(which worker runs what, when a retry is due); ``queue_ref`` links the two.
On SQLite the in-process worker claims these rows directly. Nothing about a
job lives in process memory (P9).

Statuses: ``queued`` (waiting for ``run_at``), ``running``, ``failed`` (an
attempt failed, the retry is due at ``run_at``), ``done``, ``dead`` (no
attempts left, or an error retrying cannot fix: the dead-letter view),
``cancelled``.

``user_id`` is not a foreign key on purpose: a job is history and outlives
its user's row; the principal is rebuilt (and refused when inactive) at
every attempt.
"""

from piccolo.columns import JSONB, UUID, Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.entities.base import new_id


class Job(Table, tablename="core_job"):
    id = UUID(primary_key=True, default=new_id)
    kind = Varchar(length=200)
    payload = JSONB(default="{}")
    # Who started it; NULL for jobs a periodic schedule started.
    user_id = UUID(null=True, default=None, index=True)
    status = Varchar(length=16, default="queued")
    progress_done = Integer(default=0)
    progress_total = Integer(null=True, default=None)
    progress_message = Varchar(length=500, default="")
    attempts = Integer(default=0)
    max_attempts = Integer(default=1)
    run_at = Timestamptz(default=TimestamptzNow())
    created_at = Timestamptz(default=TimestamptzNow())
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)
    # Written by the worker while the job runs; a stale one means a dead worker.
    heartbeat_at = Timestamptz(null=True, default=None)
    # Set by cancel() on a running job; the task sees it through ctx.cancelled.
    cancel_requested = Boolean(default=False)
    last_error = Text(default="")
    result = JSONB(null=True, default=None)
    # "<kind>@<tick>" for a periodic run: the unique index makes a tick fire once
    # however many workers noticed it.
    dedupe_key = Varchar(length=300, null=True, default=None, unique=True)
    # procrastinate's job id on PostgreSQL ("" on SQLite).
    queue_ref = Varchar(length=64, default="")
    # host:pid of the worker running or last running it (for operators).
    worker = Varchar(length=200, default="")

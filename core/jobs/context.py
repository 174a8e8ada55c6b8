"""What a running job's task receives: ``ctx``."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from core.jobs import store
from core.permissions.principal import Principal


class JobCancelled(Exception):
    """Raised by :meth:`JobContext.check_cancelled`; the worker records ``cancelled``."""


class PermanentJobError(Exception):
    """Raise it from a task when retrying cannot help (bad payload, missing record):
    the job goes straight to the dead-letter view with this message."""


@dataclass
class JobContext:
    """``ctx.principal`` is the user who started the job, rebuilt from the
    database for this attempt (roles, teams and field rules as they are now);
    read entities through the query gate with it. Scheduled jobs have a
    principal without permissions (``via="system"``).

    ``ctx.cancelled`` turns true when someone cancels the job; the worker
    refreshes it at every ``progress()`` and heartbeat. Long loops should call
    ``await ctx.check_cancelled()`` (or look at ``ctx.cancelled``) and stop.
    """

    kernel: object
    job_id: UUID
    kind: str
    principal: Principal
    attempt: int
    cancelled: bool = False
    _gone: bool = field(default=False, repr=False)

    async def progress(self, done: int, total: int | None = None, message: str | None = None) -> None:
        """Record progress (``done`` of ``total``, and a short message) for the jobs page."""
        if done < 0 or (total is not None and total < 0):
            raise ValueError("progress counts cannot be negative")
        self._note(await store.heartbeat(self.job_id, done, total, message))

    async def check_cancelled(self) -> None:
        """Ask the database now; raise :class:`JobCancelled` when a cancel was requested."""
        self._note(await store.heartbeat(self.job_id))
        if self.cancelled:
            raise JobCancelled(f"job {self.job_id} was cancelled")

    def _note(self, requested: bool | None) -> None:
        if requested is None:  # no longer ours (reaped as stalled): stop like a cancel
            self._gone = True
            self.cancelled = True
        elif requested:
            self.cancelled = True

"""Background jobs: one API on both engines (see docs/jobs.md).

``enqueue``, ``get_job``, ``list_jobs``, ``cancel``, ``retry`` and
``run_worker`` live in :mod:`core.jobs.api`; imported lazily here so that
``core.jobs.tables`` (loaded with core's Piccolo app) pulls in nothing else.
"""

from core.jobs.context import JobCancelled, JobContext, PermanentJobError

__all__ = ["enqueue", "get_job", "list_jobs", "cancel", "retry", "run_worker",
           "JobCancelled", "JobContext", "PermanentJobError"]


def __getattr__(name):
    if name in ("enqueue", "get_job", "list_jobs", "cancel", "retry", "run_worker"):
        from core.jobs import api

        return getattr(api, name)
    raise AttributeError(name)

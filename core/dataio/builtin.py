"""Core's import/export contributions through the public hooks: the job kinds and the screens."""

from __future__ import annotations

from core.hooks import hookimpl
from core.hooks.contributions import Backoff, JobKind


@hookimpl
def register_jobs(kernel):
    from core.dataio.jobs import export_job, import_job

    return [
        # A retry resumes from the run's checkpoint, so retrying is always safe.
        JobKind("core.import", import_job, max_attempts=5, backoff=Backoff(base=5, cap=300),
                label={"en": "Import", "ru": "Импорт"}),
        JobKind("core.export", export_job, max_attempts=2, backoff=Backoff(base=5, cap=60),
                label={"en": "Export", "ru": "Экспорт"}),
    ]

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


@hookimpl
def register_routes(kernel):
    from core.dataio.web import routes

    return routes(kernel.settings)


def can(request, entity, action: str) -> bool:
    """May the signed-in user do ``action`` (import, export) on ``entity``? For the list's links."""
    principal = getattr(request.state, "principal", None) if request is not None else None
    return bool(principal is not None and principal.can(entity.permission(action)))


@hookimpl
def register_template_globals(kernel):
    return {"dataio_can": can}

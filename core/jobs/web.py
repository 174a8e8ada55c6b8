"""The jobs page (``/jobs/``) and the JSON API (``/api/jobs``).

Every route is open to any signed-in user; what each user sees is decided per
job by :mod:`core.jobs.api` (their own jobs, or more with ``core.job.read``).
Another user's job answers 404, exactly like a missing one.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Redirect, Response, Template
from typing_extensions import Annotated

from core.jobs import api
from core.jobs.registry import registry_of
from core.jobs.store import STATUSES
from core.permissions.request import principal_of

OPT = {"authenticated": True}
ACTIVE = ("queued", "running", "failed")
NOT_FOUND = {404: ResponseSpec(data_container=dict, description="No job of yours (or that you may see) has this id")}
STATE = {409: ResponseSpec(data_container=dict, description="The job's state does not allow this")}
BAD = {400: ResponseSpec(data_container=dict, description="A parameter is not valid")}


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def job_json(job: dict) -> dict[str, Any]:
    return {
        "id": str(job["id"]), "kind": job["kind"], "status": job["status"],
        "user_id": str(job["user_id"]) if job["user_id"] else None,
        "payload": job["payload"], "result": job["result"],
        "progress": {"done": job["progress_done"], "total": job["progress_total"], "message": job["progress_message"]},
        "attempts": job["attempts"], "max_attempts": job["max_attempts"], "last_error": job["last_error"],
        "cancel_requested": job["cancel_requested"],
        "created_at": _iso(job["created_at"]), "run_at": _iso(job["run_at"]),
        "started_at": _iso(job["started_at"]), "finished_at": _iso(job["finished_at"]),
    }


async def _find(request: Request, job_id: str) -> dict:
    try:
        return await api.get_job(job_id, principal_of(request))
    except api.JobNotFound:
        raise NotFoundException() from None


def _error(status: int, message: str) -> Response:
    return Response({"status_code": status, "detail": message}, status_code=status)


# -- pages -------------------------------------------------------------------------


def _context(request: Request, job: dict) -> dict:
    kinds = registry_of(request.app.state.kernel).kinds
    principal = principal_of(request)
    spec = kinds.get(job["kind"])
    return {"job": job, "label": spec.label_for("en") if spec else job["kind"], "active": job["status"] in ACTIVE,
            "can_manage": api.can_manage(principal, job)}


@get("/jobs/", name="core:jobs", opt=OPT, include_in_schema=False)
async def jobs_page(request: Request, status: FromQuery[str | None] = None, mine: FromQuery[bool] = False) -> Template:
    principal = principal_of(request)
    if status not in (None, "", *STATUSES):
        status = None  # an unknown filter in a URL shows everything rather than an error page
    jobs = await api.list_jobs(principal, status=status or None, mine=mine, limit=100)
    return Template(template_name="core/jobs/list.html", context={
        "rows": [_context(request, j) for j in jobs], "status": status or "", "mine": mine,
        "statuses": STATUSES, "sees_others": principal.can("core.job.read"),
    })


@get("/jobs/{job_id:str}/row", name="core:job-row", opt=OPT, include_in_schema=False)
async def job_row(request: Request, job_id: FromPath[str]) -> Template:
    """The htmx partial a running job's row polls every 2 s."""
    return Template(template_name="core/jobs/row.html", context={"row": _context(request, await _find(request, job_id))})


async def _act(request: Request, job_id: str, action) -> Response | Redirect:
    principal = principal_of(request)
    try:
        await action(request.app.state.kernel, job_id, principal)
    except api.JobNotFound:
        raise NotFoundException() from None
    except api.JobStateError as exc:
        return Template(template_name="core/error.html", context={"error": exc}, status_code=409)
    return Redirect(path="/jobs/", status_code=303)


@post("/jobs/{job_id:str}/cancel", name="core:job-cancel", opt=OPT, include_in_schema=False)
async def cancel_page(request: Request, job_id: FromPath[str]) -> Response:
    return await _act(request, job_id, api.cancel)


@post("/jobs/{job_id:str}/retry", name="core:job-retry", opt=OPT, include_in_schema=False)
async def retry_page(request: Request, job_id: FromPath[str]) -> Response:
    return await _act(request, job_id, api.retry)


# -- JSON API --------------------------------------------------------------------------


@get("/api/jobs", name="core:api-jobs", opt=OPT, responses=BAD)
async def api_jobs(
    request: Request,
    status: Annotated[str | None, Parameter(description="Only jobs in this status")] = None,
    mine: Annotated[bool, Parameter(description="Only jobs I started")] = False,
    limit: Annotated[int, Parameter(ge=1, le=500)] = 50,
) -> Response:
    """Jobs I may see, newest first: mine, or more with ``core.job.read``."""
    try:
        jobs = await api.list_jobs(principal_of(request), status=status, mine=mine, limit=limit)
    except api.JobInputError as exc:
        return _error(400, str(exc))
    return Response({"items": [job_json(j) for j in jobs]})


@get("/api/jobs/{job_id:str}", name="core:api-job", opt=OPT, responses=NOT_FOUND)
async def api_job(request: Request, job_id: FromPath[str]) -> Response:
    """One job: status, progress, attempts, last error, result."""
    return Response(job_json(await _find(request, job_id)))


async def _api_act(request: Request, job_id: str, action) -> Response:
    try:
        job = await action(request.app.state.kernel, job_id, principal_of(request))
    except api.JobNotFound:
        raise NotFoundException() from None
    except api.JobStateError as exc:
        return _error(409, str(exc))
    return Response(job_json(job), status_code=200)


@post("/api/jobs/{job_id:str}/cancel", name="core:api-job-cancel", opt=OPT, status_code=200, responses={**NOT_FOUND, **STATE})
async def api_cancel(request: Request, job_id: FromPath[str]) -> Response:
    """Cancel a waiting job (it never runs) or ask a running one to stop."""
    return await _api_act(request, job_id, api.cancel)


@post("/api/jobs/{job_id:str}/retry", name="core:api-job-retry", opt=OPT, status_code=200, responses={**NOT_FOUND, **STATE})
async def api_retry(request: Request, job_id: FromPath[str]) -> Response:
    """Run a dead or cancelled job again, with a fresh set of attempts."""
    return await _api_act(request, job_id, api.retry)


ROUTES = [jobs_page, job_row, cancel_page, retry_page, api_jobs, api_job, api_cancel, api_retry]

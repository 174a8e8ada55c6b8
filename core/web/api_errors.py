"""Documented error answers of JSON API operations (the OpenAPI ``responses``).

Every refusal of the API is a JSON object (``{"error": ..., "errors": {...}}``
or ``{"detail": ...}``); an operation lists the statuses it may answer so
the public schema (and Schemathesis, S6) knows them. One place for the
wording keeps the schema consistent across core and plugins.
"""

from __future__ import annotations

from litestar.openapi.datastructures import ResponseSpec

MEANINGS = {
    400: "Invalid input: errors per input",
    404: "Missing, or not yours to see",
    409: "Changed by someone else since you read it, or its state does not allow this",
    413: "The upload is too large",
    415: "The upload's type is not accepted",
    422: "The input cannot be saved: errors per input",
    503: "A service this needs is not available here",
}


def is_api_path(path: str) -> bool:
    """The JSON API: core's under ``/api/``, a plugin's under ``/<plugin>/api/``.

    Its refusals answer JSON, and only its operations are in the public schema.
    """
    return "api" in path.strip("/").split("/")[:2]


def api_errors(*statuses: int, **descriptions: str) -> dict[int, ResponseSpec]:
    """``responses=api_errors(400, 404)``; ``api_errors(404, s404="No template ...")`` rewords one."""
    return {
        status: ResponseSpec(data_container=dict, description=descriptions.get(f"s{status}", MEANINGS[status]))
        for status in statuses
    }

"""``GET /pick/<plugin>/<entity>?q=&limit=&for=``: the picker's suggestions.

The contract other screens rely on: at most 20 suggestions, ranked (exact
title, then titles starting with the text, then the rest), read through the
query gate. With ``Accept: application/json`` a list of
``{"id", "title", "hint"}``; otherwise an HTML fragment of listbox options.
``/pick/core/user`` offers active users (``for=<entity key>``: only those the
principal may make responsible there; ``new=1`` for a record being created),
``/pick/core/team`` teams. An entity
the user may not read is a 404, like an unknown one.
"""

from __future__ import annotations

from litestar import Request, get
from litestar.params import FromPath
from litestar.response import Response, Template

from core.entities.picker import MAX_SUGGESTIONS, USER, suggestions
from core.permissions.errors import NotFound
from core.permissions.request import principal_of


def _limit(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() else MAX_SUGGESTIONS


@get("/pick/{plugin:str}/{name:str}", name="core:pick", opt={"authenticated": True}, include_in_schema=False)
async def pick(request: Request, plugin: FromPath[str], name: FromPath[str]) -> Response | Template:
    kernel = request.app.state.kernel
    principal = principal_of(request)
    target = f"{plugin}.{name}"
    if target not in kernel.entities and target not in ("core.user", "core.team"):
        raise NotFound(target)
    if target in kernel.entities and not principal.can(kernel.entities[target].permission("read")):
        raise NotFound(target)
    params = request.query_params
    for_entity = (params.get("for") or None) if target == USER else None
    found = await suggestions(kernel, principal, target, params.get("q", ""), _limit(params.get("limit")),
                              for_entity, creating=params.get("new") == "1")
    if "application/json" in request.headers.get("accept", ""):
        return Response([s.as_json() for s in found], media_type="application/json")
    return Template(template_name="core/entity/picker_options.html", context={"suggestions": found})


ROUTES = [pick]

"""The REST API every declared entity gets: ``/api/<plugin>/<entity>``.

list (filters, sort, search, keyset cursor, ``fields=`` for only some fields),
get, count, groups (counts and sums per value or date period, in one call),
create, update (PATCH with ``If-Match: "<version>"``), delete (to the trash),
restore, and the trash list.
Authenticated by session or API token; authorized by the query gate, so the
same rules hold here as on every other channel. Documented per entity in the
OpenAPI schema (``core/entities/openapi.py``), custom fields included.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, patch, post
from litestar.params import FromPath, JSONBody
from litestar.response import Response

from core.entities.query_params import list_request, name_list, requested_fields, without
from core.entities.serialize import jsonable
from core.permissions.errors import GateError, NotFound, Refused
from core.permissions.gate import Gate
from core.permissions.request import principal_of


async def _gate(request: Request, plugin: str, name: str) -> Gate:
    return await Gate.open(request.app.state.kernel, f"{plugin}.{name}", principal_of(request))


def _etag(row: dict) -> dict[str, str]:
    return {"ETag": f'"{row["version"]}"'} if "version" in row else {}


def _if_match(request: Request) -> int:
    raw = request.headers.get("if-match", "").strip().strip('"').removeprefix("W/").strip('"')
    if not raw.isdigit():
        raise Refused({"If-Match": 'send the version you edited, e.g. If-Match: "3" (from the ETag)'})
    return int(raw)


def _body(data: Any) -> dict:
    if not isinstance(data, dict):
        raise Refused({"body": "expected a JSON object of field values"})
    return data


# The groups endpoint's own parameters; every other one is a filter, as on the list.
GROUP_PARAMS = ("by", "period", "sum")


class EntityAPI(Controller):
    path = "/api"
    include_in_schema = False  # documented per entity by core.entities.openapi

    @get("/{plugin:str}/{name:str}", opt={"entity_action": "read"})
    async def list_records(self, request: Request, plugin: FromPath[str], name: FromPath[str]) -> Response:
        gate = await _gate(request, plugin, name)
        req = list_request(request.query_params)
        req.fields = requested_fields(request.query_params)
        page = await gate.list(req)
        return Response({"items": jsonable(page.rows), "next_cursor": page.next_cursor, "keyset": page.keyset})

    @get("/{plugin:str}/{name:str}/count", opt={"entity_action": "read"})
    async def count_records(self, request: Request, plugin: FromPath[str], name: FromPath[str]) -> Response:
        gate = await _gate(request, plugin, name)
        req = list_request(request.query_params)
        return Response({"count": await gate.count(req.filters, req.search, req.sort)})

    @get("/{plugin:str}/{name:str}/groups", opt={"entity_action": "report"})
    async def group_records(self, request: Request, plugin: FromPath[str], name: FromPath[str]) -> Response:
        """Counts (and sums) per value of ``by`` — or per ``period`` of a date — of the rows the
        filters select, within the report scope: core.permissions.grouping."""
        gate = await _gate(request, plugin, name)
        params = request.query_params
        by, sums = params.get("by", ""), name_list(params, "sum")
        if not by:
            from core.i18n import _

            raise Refused({"by": _("name the field to group by: by=<field>")})
        req = list_request(without(params, GROUP_PARAMS))
        found = await gate.groups(by, period=params.get("period") or None, sums=sums, filters=req.filters,
                                  search=req.search, action="report")
        return Response({"by": by, "period": params.get("period") or None, "sums": sums,
                         "groups": [{"value": jsonable(g.value), "count": g.count, "sums": jsonable(g.sums)} for g in found]})

    @get("/{plugin:str}/{name:str}/trash", opt={"entity_action": "restore"})
    async def trash(self, request: Request, plugin: FromPath[str], name: FromPath[str]) -> Response:
        gate = await _gate(request, plugin, name)
        req = list_request(request.query_params)
        req.trash, req.fields = True, requested_fields(request.query_params)
        page = await gate.list(req)
        return Response({"items": jsonable(page.rows), "next_cursor": page.next_cursor, "keyset": page.keyset})

    @post("/{plugin:str}/{name:str}", opt={"entity_action": "create"}, status_code=201)
    async def create_record(self, request: Request, plugin: FromPath[str], name: FromPath[str], data: JSONBody[Any]) -> Response:
        gate = await _gate(request, plugin, name)
        row = await gate.create(_body(data))
        return Response(jsonable(row), status_code=201, headers=_etag(row))

    @get("/{plugin:str}/{name:str}/{record_id:str}", opt={"entity_action": "read"})
    async def get_record(self, request: Request, plugin: FromPath[str], name: FromPath[str], record_id: FromPath[str]) -> Response:
        gate = await _gate(request, plugin, name)
        sparse = gate.sparse_fields(requested_fields(request.query_params))  # a bad name: 400 before 404
        row = await gate.get(record_id)
        return Response(jsonable({n: row.get(n) for n in sparse} if sparse else row), headers=_etag(row))

    @patch("/{plugin:str}/{name:str}/{record_id:str}", opt={"entity_action": "write"})
    async def update_record(self, request: Request, plugin: FromPath[str], name: FromPath[str], record_id: FromPath[str], data: JSONBody[Any]) -> Response:
        gate = await _gate(request, plugin, name)
        await gate.get(record_id)  # 404 before 400: an unreadable id reveals nothing
        row = await gate.update(record_id, _body(data), _if_match(request))
        return Response(jsonable(row), headers=_etag(row))

    @delete("/{plugin:str}/{name:str}/{record_id:str}", opt={"entity_action": "delete"}, status_code=204)
    async def delete_record(self, request: Request, plugin: FromPath[str], name: FromPath[str], record_id: FromPath[str]) -> None:
        gate = await _gate(request, plugin, name)
        version = _if_match(request) if request.headers.get("if-match") else None
        await gate.delete(record_id, version)

    @post("/{plugin:str}/{name:str}/{record_id:str}/restore", opt={"entity_action": "restore"}, status_code=200)
    async def restore_record(self, request: Request, plugin: FromPath[str], name: FromPath[str], record_id: FromPath[str]) -> Response:
        gate = await _gate(request, plugin, name)
        row = await gate.restore(record_id)
        return Response(jsonable(row), headers=_etag(row))


def gate_error_response(request: Request, exc: GateError) -> Response:
    """JSON for the API; one status per kind of refusal."""
    from core.permissions.errors import Conflict, Invalid

    body: dict[str, Any] = {"error": type(exc).__name__.lower()}
    if isinstance(exc, NotFound):
        body["detail"] = "not found"
    elif isinstance(exc, (Refused, Invalid)):
        body["errors"] = exc.errors
    elif isinstance(exc, Conflict):
        body["detail"] = str(exc)
        body["current"] = jsonable(exc.current)
        body["changed"] = {k: {"yours": jsonable(a), "stored": jsonable(b)} for k, (a, b) in exc.changed.items()}
        status = 412 if request.headers.get("if-match") else 409
        return Response(body, status_code=status)
    return Response(body, status_code=exc.status)

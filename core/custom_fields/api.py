"""REST API for custom field definitions: ``/api/fields/<plugin>/<entity>[/<field>]``.

``GET`` lists (``?retired=1`` includes retired fields) or shows one; ``POST``
adds; ``PATCH`` changes the keys sent; ``DELETE`` retires (reversible: the
values stay); ``POST .../retire``, ``.../restore`` and ``.../purge`` are the
explicit lifecycle actions (purge removes the values of a retired field).
Refusals are JSON ``{"error": "invalid", "errors": {input: message}}`` —
400 for bad input, 404 for an unknown entity or field, 409 when the records'
data forbid the change. Reading needs ``core.field.read``, changing
``core.field.write``; both exist only with the ``core.custom_fields`` feature.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, patch, post
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, JSONBody
from litestar.response import Response

from core.custom_fields import definitions as defs
from core.permissions.request import principal_of

FEATURE = "core.custom_fields"
READ = {"permission": "core.field.read", "feature": FEATURE}
WRITE = {"permission": "core.field.write", "feature": FEATURE}
NOT_FOUND = {404: ResponseSpec(data_container=dict, description="No such entity or field (or you may not see definitions)")}
BAD = {400: ResponseSpec(data_container=dict, description="Invalid input: errors per input")}
CONFLICT = {409: ResponseSpec(data_container=dict, description="The records' data forbid the change (errors per input)")}
READ_RESPONSES = {**NOT_FOUND, **BAD}
WRITE_RESPONSES = {**NOT_FOUND, **BAD, **CONFLICT}
CREATE_KEYS = ("name", "type", "label", "label_en", "label_ru", *defs.EDITABLE)


def error_response(exc: defs.DefinitionError) -> Response:
    return Response({"error": "invalid" if exc.status == 400 else "not_found" if exc.status == 404 else "conflict",
                     "errors": exc.errors}, status_code=exc.status)


def _body(data: Any, allowed: tuple[str, ...]) -> dict[str, Any]:
    """The JSON object with ``label: {"en", "ru"}`` unfolded; unknown keys are refused, not ignored."""
    if not isinstance(data, dict):
        raise defs.DefinitionError({"body": "expected a JSON object"})
    unknown = {k: "unknown setting" for k in data if k not in allowed}
    if unknown:
        raise defs.DefinitionError(unknown)
    body = dict(data)
    label = body.pop("label", None)
    if label is not None:
        if isinstance(label, str):
            label = {"en": label}
        if not isinstance(label, dict):
            raise defs.DefinitionError({"label": 'send {"en": "...", "ru": "..."}'})
        body.setdefault("label_en", label.get("en"))
        if "ru" in label:
            body.setdefault("label_ru", label.get("ru"))
    return body


def _key(plugin: str, name: str) -> str:
    return f"{plugin}.{name}"


class FieldsAPI(Controller):
    path = "/api/fields"
    tags = ["core.custom_fields"]

    @get("/{plugin:str}/{name:str}", opt=READ, responses=READ_RESPONSES, summary="List an entity's custom fields")
    async def list_definitions(self, request: Request, plugin: FromPath[str], name: FromPath[str]) -> Response:
        kernel = request.app.state.kernel
        try:
            defs.known_entity(kernel, _key(plugin, name))
        except defs.DefinitionError as exc:
            return error_response(exc)
        retired = request.query_params.get("retired", "") in ("1", "true", "yes")
        items = await defs.list_definitions(_key(plugin, name), include_retired=retired)
        return Response({"items": [d.as_json() for d in items]})

    @post("/{plugin:str}/{name:str}", opt=WRITE, responses=WRITE_RESPONSES, status_code=201, summary="Add a custom field")
    async def create(self, request: Request, plugin: FromPath[str], name: FromPath[str], data: JSONBody[Any]) -> Response:
        try:
            body = _body(data, CREATE_KEYS)
            created = await defs.create_field(
                _key(plugin, name), body.pop("name", None), body.pop("type", None), body.pop("label_en", None),
                body.pop("label_ru", None) or "", kernel=request.app.state.kernel, principal=principal_of(request), **body)
        except defs.DefinitionError as exc:
            return error_response(exc)
        return Response(created.as_json(), status_code=201)

    @get("/{plugin:str}/{name:str}/{field:str}", opt=READ, responses=READ_RESPONSES, summary="Show a custom field")
    async def show(self, request: Request, plugin: FromPath[str], name: FromPath[str], field: FromPath[str]) -> Response:
        try:
            defs.known_entity(request.app.state.kernel, _key(plugin, name))
            return Response((await defs.get_definition(_key(plugin, name), field)).as_json())
        except defs.DefinitionError as exc:
            return error_response(exc)

    @patch("/{plugin:str}/{name:str}/{field:str}", opt=WRITE, responses=WRITE_RESPONSES, summary="Change a custom field")
    async def update(self, request: Request, plugin: FromPath[str], name: FromPath[str], field: FromPath[str], data: JSONBody[Any]) -> Response:
        try:
            body = _body(data, ("label", "name", *defs.EDITABLE))
            if "name" in body:
                raise defs.DefinitionError({"name": "a field cannot be renamed (its values are stored under its name); add a new field"})
            changed = await defs.update_field(_key(plugin, name), field, kernel=request.app.state.kernel,
                                              principal=principal_of(request), **body)
        except defs.DefinitionError as exc:
            return error_response(exc)
        return Response(changed.as_json())

    async def _act(self, request: Request, plugin: str, name: str, field: str, action) -> Response:
        try:
            done = await action(_key(plugin, name), field, kernel=request.app.state.kernel, principal=principal_of(request))
        except defs.DefinitionError as exc:
            return error_response(exc)
        return Response(done.as_json())

    @delete("/{plugin:str}/{name:str}/{field:str}", opt=WRITE, responses=WRITE_RESPONSES, status_code=200, summary="Retire a custom field (values kept)")
    async def remove(self, request: Request, plugin: FromPath[str], name: FromPath[str], field: FromPath[str]) -> Response:
        return await self._act(request, plugin, name, field, defs.retire_field)

    @post("/{plugin:str}/{name:str}/{field:str}/retire", opt=WRITE, responses=WRITE_RESPONSES, status_code=200, summary="Retire a custom field (values kept)")
    async def retire(self, request: Request, plugin: FromPath[str], name: FromPath[str], field: FromPath[str]) -> Response:
        return await self._act(request, plugin, name, field, defs.retire_field)

    @post("/{plugin:str}/{name:str}/{field:str}/restore", opt=WRITE, responses=WRITE_RESPONSES, status_code=200, summary="Restore a retired custom field")
    async def restore(self, request: Request, plugin: FromPath[str], name: FromPath[str], field: FromPath[str]) -> Response:
        return await self._act(request, plugin, name, field, defs.restore_field)

    @post("/{plugin:str}/{name:str}/{field:str}/purge", opt=WRITE, responses=WRITE_RESPONSES, status_code=200,
          summary="Purge a retired custom field: its values are removed from every record")
    async def purge(self, request: Request, plugin: FromPath[str], name: FromPath[str], field: FromPath[str]) -> Response:
        try:
            held = await defs.purge_field(_key(plugin, name), field, kernel=request.app.state.kernel, principal=principal_of(request))
        except defs.DefinitionError as exc:
            return error_response(exc)
        return Response({"purged": field, "records": held})

"""The OpenAPI schema, with every entity's REST API typed field by field.

Litestar documents core's and plugins' ordinary routes. Entity endpoints are
generic handlers, and custom fields are added at run time, so their part of
the schema is built here on each request from the registry and the current
custom field definitions — a field added a minute ago is already documented.

The schema is for signed-in users only, and built for the one asking: an
entity they cannot read is left out, and so is every field a field rule
hides from them (its name and its choices would tell what they may not
see); a field they may read but not write is in the record, not in the
create and update bodies.
"""

from __future__ import annotations

from typing import Any, Callable

from litestar import Request, get
from litestar.response import Response

from core.entities.registry import all_fields
from core.entities.spec import SYSTEM_FIELDS, Entity, Field

STRING = {"type": "string"}
TYPES: dict[str, dict[str, Any]] = {
    "text": STRING,
    "long_text": STRING,
    "integer": {"type": "integer"},
    "decimal": {"type": "string", "format": "decimal", "pattern": r"^-?\d+(\.\d+)?$"},
    "money": {"type": "string", "format": "decimal", "pattern": r"^-?\d+(\.\d{1,2})?$"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time",
                 "description": "ISO 8601, answered in UTC; an input without an offset is taken as UTC (docs/i18n.md)"},
    "boolean": {"type": "boolean"},
    "reference": {"type": "string", "format": "uuid"},
    "uuid": {"type": "string", "format": "uuid"},
    "email": {"type": "string", "format": "email"},
    "phone": STRING,
    "url": {"type": "string", "format": "uri"},
}
ERROR = {
    "type": "object",
    "properties": {
        "error": {"type": "string"},
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "string"}},
    },
    "required": ["error"],
}


def field_schema(field: Field, *, for_input: bool) -> dict[str, Any]:
    if field.type == "choice":
        schema: dict[str, Any] = {"type": "string", "enum": [c.value for c in field.choices]}
    elif field.type == "multi_choice":
        schema = {"type": "array", "items": {"type": "string", "enum": [c.value for c in field.choices]}}
    else:
        schema = dict(TYPES[field.type])
    if field.max_length and schema.get("type") == "string" and "format" not in schema:
        schema["maxLength"] = field.max_length
    schema["title"] = field.label.get("en", field.name)
    if not (for_input and field.required):
        schema = {"anyOf": [schema, {"type": "null"}], "title": schema["title"]}
    return schema


def _name(entity: Entity) -> str:
    return "".join(part.title() for part in entity.key.replace(".", "_").split("_"))


def _everything(_name: str) -> bool:
    return True


def entity_components(entity: Entity, custom: list[Field], readable: Callable[[str], bool] = _everything,
                      writable_by: Callable[[str], bool] = _everything) -> dict[str, Any]:
    """The record, create, update and page schemas, with only the fields ``readable`` (and, in
    the bodies, ``writable_by``) lets through: the principal's field rules."""
    fields = [f for f in all_fields(entity, custom) if f.name in SYSTEM_FIELDS or readable(f.name)]
    record = {f.name: field_schema(f, for_input=False) for f in fields}
    writable = [f for f in fields if f.name not in SYSTEM_FIELDS and not f.readonly and writable_by(f.name)]
    name = _name(entity)
    return {
        # No required keys: with fields= a record holds only the fields asked for.
        f"{name}Record": {"type": "object", "properties": record},
        f"{name}Create": {
            "type": "object",
            "properties": {f.name: field_schema(f, for_input=True) for f in writable},
            "required": [f.name for f in writable if f.required and f.default is None],
            "additionalProperties": False,
        },
        f"{name}Update": {
            "type": "object",
            "properties": {f.name: field_schema(f, for_input=False) for f in writable},
            "additionalProperties": False,
        },
        f"{name}Page": {
            "type": "object",
            "properties": {
                "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{name}Record"}},
                "next_cursor": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                "keyset": {"type": "boolean"},
            },
            "required": ["items", "next_cursor", "keyset"],
        },
    }


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str, headers: dict | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        out["headers"] = headers
    return out


ERRORS = {
    "400": _json(_ref("Error"), "Refused: unknown or unreadable fields, bad parameters"),
    "401": _json(_ref("Error"), "Not authenticated"),
    "404": _json(_ref("Error"), "No such record, or not visible to you"),
}
ETAG = {"ETag": {"schema": {"type": "string"}, "description": "The record's version, for If-Match"}}
IF_MATCH = {"name": "If-Match", "in": "header", "required": True, "schema": {"type": "string"}, "description": 'The version you edited, e.g. "3"'}
RECORD_ID = {"name": "record_id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
SEARCH = {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "Search the entity's search fields"}
FIELDS = {"name": "fields", "in": "query", "schema": {"type": "string"},
          "description": "Comma-separated fields: each record holds exactly these (default: every field you may read). "
                         "A field you may not read, or no such field, is refused (400)."}
LIST_PARAMS = [
    SEARCH,
    {"name": "sort", "in": "query", "schema": {"type": "string"}, "description": "Comma-separated fields, '-' for descending"},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
    {"name": "cursor", "in": "query", "schema": {"type": "string"}, "description": "next_cursor of the previous page"},
    FIELDS,
    {"name": "columns", "in": "query", "schema": {"type": "string"}, "description": "The list's columns: the same as fields= when that is absent"},
]
GROUP_PARAMS = [
    {"name": "by", "in": "query", "required": True, "schema": {"type": "string"},
     "description": "The field to group by (not a long text or multi-choice field)"},
    {"name": "period", "in": "query", "schema": {"type": "string", "enum": ["day", "week", "month", "quarter", "year"]},
     "description": "For a date or date-time field: group by period of your own calendar (your time zone); weeks start on Monday. "
                    "Required for a date-time field."},
    {"name": "sum", "in": "query", "schema": {"type": "string"},
     "description": "Comma-separated integer, decimal or money fields to add up per group"},
    SEARCH,
]
GROUPS = {
    "type": "object",
    "properties": {
        "by": {"type": "string"},
        "period": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "sums": {"type": "array", "items": {"type": "string"}},
        "groups": {"type": "array", "items": {
            "type": "object",
            "properties": {
                "value": {"description": "The field's value; for a period its first day (YYYY-MM-DD); null: no value"},
                "count": {"type": "integer"},
                "sums": {"type": "object", "additionalProperties": {"anyOf": [{"type": "integer"}, {"type": "string", "format": "decimal"}]}},
            },
            "required": ["value", "count", "sums"],
        }},
    },
    "required": ["by", "period", "sums", "groups"],
}


def entity_paths(entity: Entity, *, reports: bool = True) -> dict[str, Any]:
    """The entity's API operations; ``reports``: with ``/groups`` (it needs the report permission)."""
    name, base, tag = _name(entity), f"/api/{entity.plugin}/{entity.name}", entity.key
    one = f"{base}/{{record_id}}"
    conflict = {
        "409": _json(_ref("Error"), "Changed by someone else since you read it"),
        "412": _json(_ref("Error"), "If-Match does not match the stored version"),
        "422": _json(_ref("Error"), "Invalid values, per field"),
    }
    paths = {
        base: {
            "get": {"tags": [tag], "operationId": f"list{name}", "summary": f"List {entity.plural['en']}",
                    "parameters": LIST_PARAMS, "responses": {"200": _json(_ref(f"{name}Page"), "A page of records"), **ERRORS}},
            "post": {"tags": [tag], "operationId": f"create{name}", "summary": f"Create a {entity.label['en']}",
                     "requestBody": {"required": True, "content": {"application/json": {"schema": _ref(f"{name}Create")}}},
                     "responses": {"201": _json(_ref(f"{name}Record"), "Created", ETAG), "422": conflict["422"], **ERRORS}},
        },
        f"{base}/count": {
            "get": {"tags": [tag], "operationId": f"count{name}", "parameters": LIST_PARAMS[:1],
                    "responses": {"200": _json({"type": "object", "properties": {"count": {"type": "integer"}}, "required": ["count"]}, "How many"), **ERRORS}},
        },
        f"{base}/trash": {
            "get": {"tags": [tag], "operationId": f"trash{name}", "parameters": LIST_PARAMS,
                    "responses": {"200": _json(_ref(f"{name}Page"), "Deleted records"), **ERRORS}},
        },
        one: {
            "parameters": [RECORD_ID],
            "get": {"tags": [tag], "operationId": f"get{name}", "parameters": [FIELDS],
                    "responses": {"200": _json(_ref(f"{name}Record"), "The record", ETAG), **ERRORS}},
            "patch": {"tags": [tag], "operationId": f"update{name}", "parameters": [IF_MATCH],
                      "requestBody": {"required": True, "content": {"application/json": {"schema": _ref(f"{name}Update")}}},
                      "responses": {"200": _json(_ref(f"{name}Record"), "Updated", ETAG), **conflict, **ERRORS}},
            "delete": {"tags": [tag], "operationId": f"delete{name}", "responses": {"204": {"description": "Moved to the trash"}, "409": conflict["409"], **ERRORS}},
        },
        f"{one}/restore": {
            "parameters": [RECORD_ID],
            "post": {"tags": [tag], "operationId": f"restore{name}", "responses": {"200": _json(_ref(f"{name}Record"), "Restored", ETAG), **ERRORS}},
        },
    }
    if reports:
        paths[f"{base}/groups"] = {
            "get": {"tags": [tag], "operationId": f"group{name}", "parameters": GROUP_PARAMS,
                    "summary": "Count (and sum) per value of a field or period of a date, within your report scope; "
                               "other parameters filter as on the list (<field>__<op>=<value>)",
                    "responses": {"200": _json(GROUPS, "One entry per value that occurs, in order, no value last"), **ERRORS}},
        }
    return paths


async def build_schema(app, principal) -> dict[str, Any]:
    """The schema as ``principal`` may see it (entities they read, fields their rules show)."""
    from core.permissions.gate import active_custom_fields
    from core.web.api_errors import is_api_path

    schema = app.openapi_schema.to_schema()
    # Only the JSON API is public: core's under /api/, a plugin's under
    # /<plugin>/api/. Pages and htmx posts answer HTML and change with the UI.
    schema["paths"] = {path: item for path, item in schema.get("paths", {}).items() if is_api_path(path) or path == "/health"}
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    schema["components"].setdefault("securitySchemes", {})["token"] = {"type": "http", "scheme": "bearer"}
    schema["security"] = [{"token": []}]
    for entity in app.state.kernel.entities.values():
        if not principal.can(entity.permission("read")):
            continue
        key = entity.key
        schema["components"]["schemas"].update(entity_components(
            entity, await active_custom_fields(key), lambda name: principal.can_read_field(key, name),
            lambda name: principal.can_write_field(key, name)))
        schema.setdefault("paths", {}).update(entity_paths(entity, reports=principal.can(entity.permission("report"))))
    return schema


# Any signed-in user or API token (a narrowed token too: it gets the schema of what it may read).
@get("/schema/openapi.json", name="core:openapi", opt={"authenticated": True, "any_token": True}, include_in_schema=False)
async def openapi_json(request: Request) -> Response:
    from core.permissions.request import principal_of

    return Response(await build_schema(request.app, principal_of(request)), media_type="application/vnd.oai.openapi+json")

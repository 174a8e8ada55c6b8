"""/admin/fields: the administrator's screen for custom fields, per entity.

Lists each entity's fields (retired ones too, marked), adds a field, edits
one, retires, restores and purges. Every change goes through
:mod:`core.custom_fields.definitions`, the same code as the API and the CLI;
a refused form is shown again with the administrator's input and one message
per input (status 400/409), never a half-saved field.
"""

from __future__ import annotations

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from core.auth.admin.common import done, page, sections
from core.custom_fields import definitions as defs
from core.i18n import _
from core.permissions.request import principal_of

BASE = "/admin/fields"
FEATURE = "core.custom_fields"
READ = {"permission": "core.field.read", "feature": FEATURE}
WRITE = {"permission": "core.field.write", "feature": FEATURE}
FLAGS = ("required", "unique", "indexed")
TEXT_INPUTS = ("type", "label_en", "label_ru", "default", "choices", "reference", "min_value", "max_value", "max_length", "pattern")


def _sections(request) -> list[dict]:
    """The administration sections plus this screen (core.auth's list does not know it)."""
    return [*sections(request), {"url": BASE, "label": "Custom fields", "current": request.url.path.startswith(BASE)}]


def _entity(request, plugin: str, name: str):
    entity = request.app.state.kernel.entities.get(f"{plugin}.{name}")
    if entity is None:
        raise NotFoundException()
    return entity


def _render(request, template: str, context: dict, status: int = 200) -> Template:
    kernel = request.app.state.kernel
    return page(request, template, {
        "sections": _sections(request), "types": defs.CUSTOM_TYPES,
        "entities": list(kernel.entities.values()),
        "can_write": principal_of(request).can("core.field.write"),
        "lang": getattr(principal_of(request), "language", "en"),
        **context,
    }, status)


async def _form(request) -> dict:
    form = await request.form()
    values = {key: (form.get(key) or "").strip() for key in TEXT_INPUTS if key in form}
    values.update({flag: flag in form for flag in FLAGS})
    return values


def _inputs(values: dict) -> dict:
    """Form strings as the definitions API takes them: an empty input is no value."""
    return {k: (v if v != "" else None) for k, v in values.items()}


async def _entity_page(request, entity, errors=None, values=None, status: int = 200) -> Template:
    return _render(request, "fields", {
        "entity": entity, "definitions": await defs.list_definitions(entity.key, include_retired=True),
        "errors": errors or {}, "values": values or {"type": "text"},
    }, status)


@get(BASE, name="core:admin-fields", opt=READ, include_in_schema=False)
async def index(request: Request) -> Template:
    counts = {}
    for key in request.app.state.kernel.entities:
        counts[key] = len(await defs.list_definitions(key, include_retired=True))
    return _render(request, "fields_index", {"counts": counts})


@get(f"{BASE}/{{plugin:str}}/{{name:str}}", name="core:admin-entity-fields", opt=READ, include_in_schema=False)
async def entity_fields(request: Request, plugin: FromPath[str], name: FromPath[str]) -> Template:
    return await _entity_page(request, _entity(request, plugin, name))


@post(f"{BASE}/{{plugin:str}}/{{name:str}}", name="core:admin-field-create", opt=WRITE, include_in_schema=False)
async def create(request: Request, plugin: FromPath[str], name: FromPath[str]) -> Template | Redirect:
    entity = _entity(request, plugin, name)
    form = await request.form()
    values = {"name": (form.get("name") or "").strip(), **await _form(request)}
    data = _inputs(values)
    try:
        await defs.create_field(entity.key, data.pop("name", None), data.pop("type", None), data.pop("label_en", None), data.pop("label_ru", None) or "",
                                kernel=request.app.state.kernel, principal=principal_of(request), **data)
    except defs.DefinitionError as exc:
        return await _entity_page(request, entity, exc.errors, values, exc.status)
    return done(f"{BASE}/{plugin}/{name}", "created")


def _edit_values(definition) -> dict:
    data = definition.as_json()
    return {
        "type": data["type"], "label_en": data["label"]["en"],
        "label_ru": data["label"]["ru"] if data["label"]["ru"] != data["label"]["en"] else "",
        "default": "" if data["default"] is None else (",".join(data["default"]) if isinstance(data["default"], list) else str(data["default"]).lower() if isinstance(data["default"], bool) else str(data["default"])),
        "choices": "\n".join(f"{c['value']}={c['label']['en']}" + (f"|{c['label']['ru']}" if c["label"]["ru"] != c["label"]["en"] else "") for c in data["choices"]),
        "reference": data["reference"] or "", "min_value": data["min_value"] or "", "max_value": data["max_value"] or "",
        "max_length": data["max_length"] or "", "pattern": data["pattern"] or "",
        "required": data["required"], "unique": data["unique"], "indexed": data["indexed"],
    }


async def _definition(request, plugin: str, name: str, field: str):
    entity = _entity(request, plugin, name)
    try:
        return entity, await defs.get_definition(entity.key, field)
    except defs.UnknownField:
        raise NotFoundException() from None


@get(f"{BASE}/{{plugin:str}}/{{name:str}}/{{field:str}}", name="core:admin-field", opt=READ, include_in_schema=False)
async def edit_form(request: Request, plugin: FromPath[str], name: FromPath[str], field: FromPath[str]) -> Template:
    entity, definition = await _definition(request, plugin, name, field)
    return _render(request, "field", {"entity": entity, "definition": definition, "values": _edit_values(definition), "errors": {}})


@post(f"{BASE}/{{plugin:str}}/{{name:str}}/{{field:str}}", name="core:admin-field-update", opt=WRITE, include_in_schema=False)
async def update(request: Request, plugin: FromPath[str], name: FromPath[str], field: FromPath[str]) -> Template | Redirect:
    entity, definition = await _definition(request, plugin, name, field)
    values = await _form(request)
    try:
        await defs.update_field(entity.key, field, kernel=request.app.state.kernel, principal=principal_of(request), **_inputs(values))
    except defs.DefinitionError as exc:
        return _render(request, "field", {"entity": entity, "definition": definition, "values": values, "errors": exc.errors}, exc.status)
    return done(f"{BASE}/{plugin}/{name}", "saved")


async def _lifecycle(request, plugin: str, name: str, field: str, action, code: str) -> Template | Redirect:
    entity, definition = await _definition(request, plugin, name, field)
    try:
        await action(entity.key, field, kernel=request.app.state.kernel, principal=principal_of(request))
    except defs.DefinitionError as exc:
        return _render(request, "field", {"entity": entity, "definition": definition, "values": _edit_values(definition),
                                          "errors": exc.errors}, exc.status)
    return done(f"{BASE}/{plugin}/{name}", code)


@post(f"{BASE}/{{plugin:str}}/{{name:str}}/{{field:str}}/retire", name="core:admin-field-retire", opt=WRITE, include_in_schema=False)
async def retire(request: Request, plugin: FromPath[str], name: FromPath[str], field: FromPath[str]) -> Template | Redirect:
    return await _lifecycle(request, plugin, name, field, defs.retire_field, "saved")


@post(f"{BASE}/{{plugin:str}}/{{name:str}}/{{field:str}}/restore", name="core:admin-field-restore", opt=WRITE, include_in_schema=False)
async def restore(request: Request, plugin: FromPath[str], name: FromPath[str], field: FromPath[str]) -> Template | Redirect:
    return await _lifecycle(request, plugin, name, field, defs.restore_field, "saved")


@post(f"{BASE}/{{plugin:str}}/{{name:str}}/{{field:str}}/purge", name="core:admin-field-purge", opt=WRITE, include_in_schema=False)
async def purge(request: Request, plugin: FromPath[str], name: FromPath[str], field: FromPath[str]) -> Template | Redirect:
    form = await request.form()
    if form.get("confirm") != field:
        entity, definition = await _definition(request, plugin, name, field)
        return _render(request, "field", {"entity": entity, "definition": definition, "values": _edit_values(definition),
                                          "errors": {"confirm": _("Type the field's name to confirm: its values are deleted from every record.")}}, 400)
    return await _lifecycle(request, plugin, name, field, defs.purge_field, "deleted")


ROUTES = [index, entity_fields, create, edit_form, update, retire, restore, purge]

"""The pages every declared entity gets: list, record with timeline, forms, trash, bulk actions.

One controller per entity, under the entity's own URL (``/contacts/client``),
built from the declaration. Each handler goes through the query gate; the
templates live in ``core/web/templates/core/entity/`` and a theme or the
plugin may override them (``<plugin>/<entity>/list.html`` is tried first).
"""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from core.entities import feedback
from core.entities.applicable import applicable
from core.entities.forms import form_values
from core.entities.inline_edit import inline_handlers
from core.entities.list_view import list_context
from core.entities.panels import record_panels
from core.entities.quick_create import prefill, quick_handlers
from core.entities.record_page import key_facts, record_actions, record_details, related_lists, sections
from core.entities.spec import SYSTEM_FIELDS, Entity
from core.entities.timeline import timeline
from core.entities.values import display_rows
from core.i18n.timezones import from_input
from core.permissions.errors import Conflict, Invalid, NotFound, Refused
from core.permissions.gate import Gate
from core.permissions.request import principal_of


def _templates(entity: Entity, page: str) -> list[str]:
    return [f"{entity.plugin}/{entity.name}/{page}.html", f"core/entity/{page}.html"]


def _template(request: Request, entity: Entity, page: str, context: dict, status: int = 200) -> Template:
    env = request.app.template_engine.engine
    name = env.select_template(_templates(entity, page)).name
    return Template(template_name=name, context={"entity": entity, **context}, status_code=status)


async def bulk_choices(g: Gate, editable: list) -> dict | None:
    """What the list's bulk form offers this user (None: no bulk form at all)."""
    from core.auth.tables import User

    can = g.principal.can
    fields = [f for f in editable if f.name != g.entity.owner_field and f.type not in ("multi_choice", "boolean")]
    users = []
    if can(g.entity.permission("assign")) and can(g.entity.permission("write")):
        users = await User.select(User.id, User.name, User.email).where(User.is_active == True).order_by(User.name)  # noqa: E712
    choices = {"delete": can(g.entity.permission("delete")), "users": users,
               "fields": fields if can(g.entity.permission("write")) else []}
    return choices if any(choices.values()) else None


async def _savable(g: Gate, fields: list, data: dict) -> bool:
    """Would these values pass the field validation and the plugins' record checks?"""
    from core.entities.validation import validate

    clean, errors = validate(fields, data, partial=False)
    if errors:
        return False
    try:
        await g.checked_values(clean)
    except (Invalid, Refused):
        return False
    return True


async def _form(request: Request, g: Gate, context: dict, status: int = 200) -> Template:
    """The record form, its reference fields showing the titles of what they hold (pickers)."""
    from core.entities.picker_widget import with_picks

    return _template(request, g.entity, "form", await with_picks(g, context), status)


def entity_pages(entity: Entity) -> type[Controller]:
    key = entity.key

    async def gate(request: Request) -> Gate:
        return await Gate.open(request.app.state.kernel, key, principal_of(request))

    def editable(g: Gate):
        return [f for f in g.readable_fields if f.name not in SYSTEM_FIELDS and not f.readonly
                and g.principal.can_write_field(key, f.name)
                and (f.name != entity.owner_field or g.principal.can(entity.permission("assign")))]

    @get("/", opt={"entity_action": "read"}, name=f"{key}:list")
    async def list_page(self, request: Request) -> Template:
        g = await gate(request)
        context = await list_context(request, g, trash=False)
        partial = request.headers.get("hx-request") == "true" and request.headers.get("hx-target") == "entity-rows"
        if not context["trash"]:
            context["bulk"] = await bulk_choices(g, editable(g))
        return _template(request, entity, "rows" if partial else "list", context)

    @get("/trash", opt={"entity_action": "restore"}, name=f"{key}:trash")
    async def trash_page(self, request: Request) -> Template:
        g = await gate(request)
        context = await list_context(request, g, trash=True)
        partial = request.headers.get("hx-request") == "true" and request.headers.get("hx-target") == "entity-rows"
        return _template(request, entity, "rows" if partial else "list", context)

    @get("/new", opt={"entity_action": "create"}, name=f"{key}:new")
    async def new_form(self, request: Request) -> Template:
        g = await gate(request)
        if not g.principal.can(entity.permission("create")):
            raise NotFound(key)
        values = {f.name: f.default for f in editable(g) if f.default is not None}
        if any(f.name == entity.owner_field for f in editable(g)):
            values[entity.owner_field] = g.principal.user_id  # responsible: the creator, unless changed
        values.update(prefill(request.query_params, editable(g)))  # a related list's "new": ?client=<id>
        fields = await applicable(g, editable(g), values)
        return await _form(request, g, {"fields": fields, "values": values, "errors": {}, "record": None})

    @post("/new/check", opt={"entity_action": "create"}, name=f"{key}:check", status_code=200)
    async def check(self, request: Request) -> Template:
        """The create form's warnings as you type (htmx): a fragment, never a write."""
        from core.entities.warnings import record_warnings

        g = await gate(request)
        data, _ = await form_values(request, editable(g))
        return _template(request, entity, "warnings", {"warnings": await record_warnings(g, data)})

    @post("/", opt={"entity_action": "create"}, name=f"{key}:create")
    async def create(self, request: Request) -> Template | Redirect:
        from core.entities.warnings import record_warnings

        g = await gate(request)
        # The fields that apply to what the form holds (a product's category decides its properties).
        fields = await applicable(g, editable(g), (await form_values(request, editable(g)))[0])
        data, _ = await form_values(request, fields)
        # Warnings (a likely duplicate...) ask for a confirmation once: the form
        # comes back with them and a "save anyway" that sends _confirm.
        # Errors first: warnings are for a record that could be saved as it is.
        if not (await request.form()).get("_confirm") and await _savable(g, fields, data):
            warnings = await record_warnings(g, data)
            if warnings:
                return await _form(request, g, {"fields": fields, "values": data, "errors": {}, "record": None,
                                                           "warnings": warnings}, 409)
        try:
            row = await g.create(data)
        except (Invalid, Refused) as exc:
            return await _form(request, g, {"fields": fields, "values": data, "errors": exc.errors, "record": None}, 422)
        await feedback.saved(request, entity, row, created=True)
        return Redirect(f"{entity.url}/{row['id']}", status_code=303)

    @get("/{record_id:str}", opt={"entity_action": "read"}, name=f"{key}:detail")
    async def detail(self, request: Request, record_id: FromPath[str]) -> Template:
        g = await gate(request)
        row = await g.get(record_id)
        principal = principal_of(request)
        related = {
            "record": row,
            "related": await related_lists(request.app.state.kernel, entity, row, principal),
            "panels": await record_panels(g, row),
            "timeline": await timeline(request, g, row),
        }
        # After a quick create the page reloads only this part (htmx, see detail.html).
        if request.headers.get("hx-request") == "true" and request.headers.get("hx-target") == "record-related":
            return _template(request, entity, "record_related", related)
        fields = await applicable(g, [f for f in g.readable_fields if f.name != "deleted_at"], row)
        shown = (await display_rows(g, [row], fields, principal))[0]
        can_write = g.principal.can(entity.permission("write"))
        return _template(request, entity, "detail", {
            **related, "shown": shown, "fields": fields,
            "facts": key_facts(entity, {f.name: f for f in fields}, row, shown),
            "sections": sections(entity, fields, shown),
            "actions": await record_actions(g, row),
            "details": await record_details(g, row),
            "editable_names": {f.name for f in editable(g)} if can_write else set(),
            "can_write": can_write,
            "can_delete": g.principal.can(entity.permission("delete")),
        })

    @get("/{record_id:str}/edit", opt={"entity_action": "write"}, name=f"{key}:edit")
    async def edit_form(self, request: Request, record_id: FromPath[str]) -> Template:
        g = await gate(request)
        row = await g.get(record_id, action="write")
        return await _form(request, g, {"fields": await applicable(g, editable(g), row), "values": row, "errors": {},
                                        "record": row})

    @post("/{record_id:str}", opt={"entity_action": "write"}, name=f"{key}:update")
    async def update(self, request: Request, record_id: FromPath[str]) -> Template | Redirect:
        g = await gate(request)
        current = await g.get(record_id, action="write")
        fields = await applicable(g, editable(g), current)  # what the edit form showed: only those are written
        data, version = await form_values(request, fields)
        try:
            row = await g.update(record_id, data, version)
        except (Invalid, Refused) as exc:
            return await _form(request, g, {"fields": fields, "values": {**current, **data}, "errors": exc.errors, "record": current}, 422)
        except Conflict as exc:
            return await _form(request, g, {"fields": fields, "values": {**exc.current, **data}, "errors": {},
                                                        "record": exc.current, "conflict": exc}, 409)
        await feedback.saved(request, entity, row, created=False)
        return Redirect(f"{entity.url}/{row['id']}", status_code=303)

    @post("/{record_id:str}/delete", opt={"entity_action": "delete"}, name=f"{key}:delete")
    async def remove(self, request: Request, record_id: FromPath[str]) -> Redirect:
        g = await gate(request)
        _, version = await form_values(request, [])
        row = await g.get(record_id, action="delete")
        await g.delete(record_id, version)
        await feedback.deleted(request, g, row)
        return Redirect(f"{entity.url}/", status_code=303)

    @post("/{record_id:str}/restore", opt={"entity_action": "restore"}, name=f"{key}:restore")
    async def restore(self, request: Request, record_id: FromPath[str]) -> Redirect:
        g = await gate(request)
        row = await g.restore(record_id)
        await feedback.restored(request, entity, row)
        return Redirect(f"{entity.url}/{row['id']}", status_code=303)

    # Read is the floor: each record then goes through the gate with the
    # action's own permission (delete, write, assign), so nothing is widened.
    @post("/bulk", opt={"entity_action": "read"}, name=f"{key}:bulk")
    async def bulk(self, request: Request) -> Template | Redirect:
        from core.entities.bulk import run_bulk

        g = await gate(request)
        form = await request.form()
        action = form.get("action", "")
        if action == "delete" and form.getall("ids", []) and not form.get("_confirm"):
            # Deleting is asked once more, on a page of its own (works without JavaScript).
            ids = form.getall("ids", [])
            return _template(request, entity, "bulk_confirm", {
                "ids": ids, "titles": await feedback.titles(g, ids), "back": feedback.list_url(request, entity)})
        from core.entities.bulk import bulk_value

        value = await bulk_value(g, form, action)  # a responsible or a reference picked by name
        spec = g.fields.get(form.get("field", ""))
        if action == "set" and spec is not None and spec.type == "datetime":
            value = from_input(value)  # typed in a form: the user's clock, like the record form
        result = await run_bulk(g, action, form.getall("ids", []), form.get("field", ""), value)
        if result.failed:
            # Which records were left alone, and why: a page to read, with the way back to the list.
            return _template(request, entity, "bulk_result", {
                "result": result, "failures": await feedback.failures(g, result.failed),
                "back": feedback.list_url(request, entity, form.get("_back", ""))})
        await feedback.bulk_done(request, g, result)
        return Redirect(feedback.list_url(request, entity, form.get("_back", "")), status_code=303)

    handlers = {
        "list_page": list_page, "trash_page": trash_page, "new_form": new_form, "check": check, "create": create,
        "detail": detail, "edit_form": edit_form, "update": update, "remove": remove,
        "restore": restore, "bulk": bulk,
        **inline_handlers(entity, gate, editable, _template),
        **quick_handlers(entity, gate, editable, _template),
    }
    # HTML pages: the REST API (core.entities.api) is what the OpenAPI schema documents.
    attrs = {"path": entity.url, "__module__": __name__, "include_in_schema": False, **handlers}
    return type(f"{entity.key.replace('.', '_').title().replace('_', '')}Pages", (Controller,), attrs)

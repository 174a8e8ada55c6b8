"""Inline edit of one field on a record page.

Click the pencil: htmx fetches a small form for that one field, carrying the
record's version; saving goes through the gate like any edit (validation,
field rules, optimistic locking) and answers with the field re-rendered. A
stale version answers 409 with the form again, the typed value kept and the
stored one shown; a bad value answers 422 with the error next to the input.
Without htmx the same routes work as plain pages (the save redirects back).

A field the user may not read is a 404, like a missing one; a readable field
they may not change (read-only, a field rule, the owner without the assign
permission, a system field) is refused (400).
"""

from __future__ import annotations

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from core.entities.forms import form_values
from core.entities.picker_widget import with_picks
from core.entities.values import display_rows
from core.i18n import _
from core.permissions.errors import Conflict, Invalid, NotFound, Refused
from core.permissions.request import principal_of


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def inline_handlers(entity, open_gate, editable, render) -> dict:
    """Route handlers for ``<entity url>/<id>/fields/<name>`` (built per entity, like the other pages)."""
    key = entity.key

    def field_for(g, name: str, *, write: bool):
        spec = g.fields.get(name)
        if spec is None or not g.readable(name) or name == "deleted_at":
            raise NotFound(name)
        if write and spec not in editable(g):
            raise Refused({name: _("this field cannot be changed here")})
        return spec

    async def shown(request, g, row, spec, status: int = 200, oob: bool = False) -> Template:
        cell = (await display_rows(g, [row], [spec], principal_of(request)))[0]["cells"][spec.name]
        context = {"record": row, "f": spec, "cell": cell, "can_edit": spec in editable(g), "oob": oob}
        return render(request, entity, "field", context, status)

    async def edit_form(request, g, spec, record, value, version, errors=None, conflict=None, status: int = 200) -> Template:
        context = {"record": record, "f": spec, "value": value, "version": version, "errors": errors or {},
                   "conflict": conflict}
        context = await with_picks(g, context)  # a reference shows its title in the picker
        return render(request, entity, "field_form" if is_htmx(request) else "field_page", context, status)

    @get("/{record_id:str}/fields/{name:str}", opt={"entity_action": "read"}, name=f"{key}:field")
    async def field_value(self, request: Request, record_id: FromPath[str], name: FromPath[str]) -> Template:
        g = await open_gate(request)
        spec = field_for(g, name, write=False)
        return await shown(request, g, await g.get(record_id), spec)

    @get("/{record_id:str}/fields/{name:str}/edit", opt={"entity_action": "write"}, name=f"{key}:field-edit")
    async def field_edit(self, request: Request, record_id: FromPath[str], name: FromPath[str]) -> Template:
        g = await open_gate(request)
        spec = field_for(g, name, write=True)
        row = await g.get(record_id, action="write")
        return await edit_form(request, g, spec, row, row.get(name), row["version"])

    @post("/{record_id:str}/fields/{name:str}", opt={"entity_action": "write"}, name=f"{key}:field-save")
    async def field_save(self, request: Request, record_id: FromPath[str], name: FromPath[str]) -> Template | Redirect:
        g = await open_gate(request)
        spec = field_for(g, name, write=True)
        current = await g.get(record_id, action="write")
        data, version = await form_values(request, [spec])
        typed = data.get(name)
        try:
            row = await g.update(record_id, data, version)
        except (Invalid, Refused) as exc:
            return await edit_form(request, g, spec, current, typed, version if version is not None else current["version"],
                             errors=exc.errors, status=exc.status)
        except Conflict as exc:
            # The form comes back built on the stored version: saving again overwrites, knowingly.
            stored = (await display_rows(g, [exc.current], [spec], principal_of(request)))[0]["cells"][name]
            return await edit_form(request, g, spec, exc.current, typed, exc.current["version"],
                             conflict={"stored": stored["text"]}, status=409)
        if not is_htmx(request):
            return Redirect(f"{entity.url}/{row['id']}", status_code=303)
        return await shown(request, g, row, spec, oob=True)

    return {"field_value": field_value, "field_edit": field_edit, "field_save": field_save}

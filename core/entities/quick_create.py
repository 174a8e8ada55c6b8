"""Quick create in a modal, and forms pre-filled from the URL (a related list's "new").

``GET <entity url>/quick?client=<id>`` answers a ``<dialog>`` with the fields
that matter when creating in a hurry (required ones, the list's columns and
whatever the URL pre-fills); ``POST <entity url>/quick`` creates through the
gate. A bad value re-renders only the form inside the open dialog (422), the
typed values kept and each error next to its field; success replaces the
dialog with a note linking to the new record. Without htmx, the GET is the
full "new" form and the POST redirects to the new record.
"""

from __future__ import annotations

from urllib.parse import urlencode

from litestar import Request, get, post
from litestar.response import Redirect, Template

from core.entities.forms import CONTROL_KEYS, form_values
from core.entities.picker_widget import with_picks
from core.i18n import _
from core.permissions.errors import Invalid, NotFound, Refused


def prefill(params, fields) -> dict:
    """Values the URL gives for a new record (``?client=<id>``); naming a field the form does not offer is refused."""
    names = {f.name for f in fields}
    items = params.multi_items() if hasattr(params, "multi_items") else list(params.items())
    values, bad = {}, {}
    for key, value in items:
        if key in CONTROL_KEYS:
            continue
        if key not in names:
            bad[key] = _("this field cannot be filled in here")
        else:
            values[key] = value
    if bad:
        raise Refused(bad)
    return values


def quick_fields(entity, editable: list, filled: dict) -> list:
    """Required fields, the list's columns and pre-filled ones, in declaration order.
    The responsible user is left to its default (the creator) unless the URL sets it."""
    wanted = set(entity.list_columns) | set(filled)
    return [f for f in editable if f.required or f.name in filled
            or (f.name in wanted and not (f.type == "reference" and f.reference == "core.user"))]


def quick_handlers(entity, open_gate, editable, render) -> dict:
    key = entity.key

    def allowed(g):
        if not g.principal.can(entity.permission("create")):
            raise NotFound(key)

    @get("/quick", opt={"entity_action": "create"}, name=f"{key}:quick")
    async def quick_form(self, request: Request) -> Template | Redirect:
        g = await open_gate(request)
        allowed(g)
        fields = editable(g)
        filled = prefill(request.query_params, fields)
        if request.headers.get("hx-request") != "true":
            query = urlencode(list(filled.items()))
            return Redirect(f"{entity.url}/new{'?' + query if query else ''}", status_code=303)
        values = {f.name: f.default for f in fields if f.default is not None} | filled
        shown = quick_fields(entity, fields, filled)
        return render(request, entity, "quick_create", await with_picks(g, {"fields": shown, "values": values, "errors": {}}))

    @post("/quick", opt={"entity_action": "create"}, name=f"{key}:quick-create")
    async def quick_save(self, request: Request) -> Template | Redirect:
        g = await open_gate(request)
        allowed(g)
        fields = editable(g)
        form = await request.form()
        # The form lists the fields it showed; required ones are checked whatever it says.
        listed = set(str(form.get("_fields", "")).split(","))
        shown = [f for f in fields if f.name in listed or f.required]
        data, _version = await form_values(request, shown)
        htmx = request.headers.get("hx-request") == "true"
        try:
            row = await g.create(data)
        except (Invalid, Refused) as exc:
            context = {"fields": shown, "values": data, "errors": exc.errors}
            if htmx:
                return render(request, entity, "quick_form", await with_picks(g, context), exc.status)
            return render(request, entity, "form", await with_picks(g, {**context, "fields": fields, "record": None}), exc.status)
        if not htmx:
            return Redirect(f"{entity.url}/{row['id']}", status_code=303)
        title = row.get(entity.title_field) or str(row["id"])
        response = render(request, entity, "quick_done", {"row": row, "title": title}, 200)
        # The note replaces the whole dialog, not just the form the request came from; the
        # "record-changed" event reloads the record page's related lists and timeline (detail.html).
        response.headers.update({"HX-Retarget": "#modal-slot", "HX-Reswap": "innerHTML", "HX-Trigger": "record-changed"})
        return response

    return {"quick_form": quick_form, "quick_save": quick_save}

"""The deal lines' screens and API: a panel on the deal's page, its forms, and JSON under /sales/api.

Screens (``/sales/deals/<deal>/lines…``): the panel lists the lines with an
add form; "Edit" opens a line's form (htmx swaps it into the panel; without
JavaScript it is a page of its own), "Remove" is a small form. A saved
change reloads the deal's page (htmx ``HX-Refresh``, a 303 without it), so
the header's amount and the page's version follow; a refused one comes back
with every message and what was typed.

API (``/sales/api/deals/<deal>/lines``): GET the lines, POST one, GET /
PATCH / DELETE ``…/lines/<line>``; ids for the product, decimals as strings.
Every route reads or writes the deal through the gate first
(``plugins.sales.deals.lines``): no deal, no lines (404).
"""

from __future__ import annotations

from typing import Any

from litestar.openapi import ResponseSpec
from litestar import Controller, Request, delete, get, patch, post
from litestar.response import Redirect, Response, Template

from core.entities.spec import Field, label
from core.permissions.errors import Invalid, NotFound, Refused
from core.permissions.request import principal_of
from plugins.sales.deals.lines import Line, delete_line, open_deal, read_lines, save_line
from plugins.sales.vat import VAT_CHOICES

READ, WRITE = "sales.deal.read", "sales.deal.write"
# The line form's fields: the same widgets as every record form (core/entity/widgets.html).
PRODUCT = Field("product", "reference", label("Product", "Номенклатура"), reference="sales.product", required=True)
FIELDS = (
    PRODUCT,
    Field("quantity", "decimal", label("Quantity", "Количество"), required=True),
    Field("price", "money", label("Price (empty: from the price type)", "Цена (пусто — по виду цен)")),
    Field("discount_percent", "decimal", label("Manual discount, %", "Ручная скидка, %")),
    Field("vat_rate", "choice", label("VAT rate", "Ставка НДС"), choices=VAT_CHOICES),
)
FORM_KEYS = tuple(f.name for f in FIELDS)


def _deal_url(deal_id) -> str:
    return f"/sales/deal/{deal_id}"


async def form_data(request: Request) -> dict[str, Any]:
    """The line form as posted: the product's picker resolved (id, or the record its name or article names)."""
    from core.entities.picker import resolve_form

    form = await request.form()
    data = {k: form.get(k) for k in FORM_KEYS if k in form}
    data["product"] = await resolve_form(request.app.state.kernel, principal_of(request), form, PRODUCT, None)
    return data


def panel_context(deal: dict, lines: list[Line], can_write: bool, *, values: dict | None = None, errors: dict | None = None,
                  editing: str = "") -> dict:
    return {"deal": deal, "lines": lines, "can_write": can_write, "fields": FIELDS, "values": values or {},
            "errors": errors or {}, "editing": editing, "total": deal.get("amount"), "currency": deal.get("currency") or ""}


def _picks(values: dict) -> dict:
    product = values.get("product")
    if getattr(product, "problem", None):
        return {"product": {"id": "", "title": str(product)}}
    return {"product": {"id": str(product or ""), "title": values.get("product_title") or ""}}


class LineScreens(Controller):
    path = "/sales/deals"

    async def _panel(self, request: Request, deal_id: str, *, status: int = 200, **extra) -> Template:
        principal = principal_of(request)
        deal, lines = await read_lines(request.app.state.kernel, principal, deal_id)
        context = panel_context(deal, lines, principal.can(WRITE), **extra)
        htmx = request.headers.get("hx-request") == "true"
        name = "sales/deals/lines_panel.html" if htmx else "sales/deals/lines_page.html"
        return Template(template_name=name, context={**context, "picks": _picks(context["values"]), "record": deal},
                        status_code=200 if htmx else status)

    @get("/{deal_id:str}/lines", opt={"permission": READ}, name="sales:deal-lines")
    async def lines(self, request: Request, deal_id: str) -> Template:
        return await self._panel(request, deal_id)

    @get("/{deal_id:str}/lines/{line_id:str}/edit", opt={"permission": WRITE}, name="sales:deal-line-edit")
    async def edit(self, request: Request, deal_id: str, line_id: str) -> Template:
        _deal, lines = await read_lines(request.app.state.kernel, principal_of(request), deal_id)
        line = next((x for x in lines if x.id == line_id), None)
        if line is None:
            raise NotFound(line_id)
        values = {"product": line.product, "product_title": line.product_title, "quantity": line.quantity,
                  "price": line.price, "discount_percent": line.discount_percent if line.discount_manual else None,
                  "vat_rate": line.vat_rate}
        return await self._panel(request, deal_id, values=values, editing=line_id)

    async def _saved(self, request: Request, deal_id: str, action, editing: str = "") -> Template | Redirect | Response:
        data = await form_data(request)
        try:
            await action(data)
        except (Invalid, Refused) as exc:
            return await self._panel(request, deal_id, status=422, values=data, errors=exc.errors, editing=editing)
        if request.headers.get("hx-request") == "true":
            return Response(content="", status_code=200, headers={"HX-Refresh": "true"})
        return Redirect(f"{_deal_url(deal_id)}#deal-lines", status_code=303)

    @post("/{deal_id:str}/lines", opt={"permission": WRITE}, name="sales:deal-line-add", status_code=200)
    async def add(self, request: Request, deal_id: str) -> Template | Redirect | Response:
        kernel, principal = request.app.state.kernel, principal_of(request)
        return await self._saved(request, deal_id, lambda data: save_line(kernel, principal, deal_id, data))

    @post("/{deal_id:str}/lines/{line_id:str}", opt={"permission": WRITE}, name="sales:deal-line-save", status_code=200)
    async def save(self, request: Request, deal_id: str, line_id: str) -> Template | Redirect | Response:
        kernel, principal = request.app.state.kernel, principal_of(request)
        return await self._saved(request, deal_id, lambda data: save_line(kernel, principal, deal_id, data, line_id), line_id)

    @post("/{deal_id:str}/lines/{line_id:str}/delete", opt={"permission": WRITE}, name="sales:deal-line-delete", status_code=200)
    async def remove(self, request: Request, deal_id: str, line_id: str) -> Redirect | Response:
        await delete_line(request.app.state.kernel, principal_of(request), deal_id, line_id)
        if request.headers.get("hx-request") == "true":
            return Response(content="", status_code=200, headers={"HX-Refresh": "true"})
        return Redirect(f"{_deal_url(deal_id)}#deal-lines", status_code=303)


def _problem(exc: Invalid | Refused) -> Response:
    return Response(content={"errors": exc.errors}, status_code=422 if isinstance(exc, Invalid) else 400)


# Documented, so a client (and the schema check) expects it: a deal or line you may not reach.
NOT_FOUND = {404: ResponseSpec(data_container=dict, description="No deal (or line) you may reach has this id"),
             422: ResponseSpec(data_container=dict, description="A line value is refused (per field)"),
             400: ResponseSpec(data_container=dict, description="A value is not valid")}


class LineApi(Controller):
    path = "/sales/api/deals"

    @get("/{deal_id:str}/lines", opt={"permission": READ}, name="sales:api-deal-lines", responses=NOT_FOUND)
    async def lines(self, request: Request, deal_id: str) -> dict:
        deal, lines = await read_lines(request.app.state.kernel, principal_of(request), deal_id)
        return {"deal": str(deal["id"]), "amount": None if deal.get("amount") is None else str(deal["amount"]),
                "currency": deal.get("currency"), "lines": [x.as_json() for x in lines]}

    @get("/{deal_id:str}/lines/{line_id:str}", opt={"permission": READ}, name="sales:api-deal-line", responses=NOT_FOUND)
    async def line(self, request: Request, deal_id: str, line_id: str) -> dict:
        _deal, lines = await read_lines(request.app.state.kernel, principal_of(request), deal_id)
        found = next((x for x in lines if x.id == line_id), None)
        if found is None:
            raise NotFound(line_id)
        return found.as_json()

    @post("/{deal_id:str}/lines", opt={"permission": WRITE}, name="sales:api-deal-line-add", responses=NOT_FOUND, status_code=201)
    async def add(self, request: Request, deal_id: str) -> Any:
        await _writable(request, deal_id)
        try:
            return (await save_line(request.app.state.kernel, principal_of(request), deal_id, await _body(request))).as_json()
        except (Invalid, Refused) as exc:
            return _problem(exc)

    @patch("/{deal_id:str}/lines/{line_id:str}", opt={"permission": WRITE}, name="sales:api-deal-line-save", responses=NOT_FOUND)
    async def save(self, request: Request, deal_id: str, line_id: str) -> Any:
        await _writable(request, deal_id)
        try:
            return (await save_line(request.app.state.kernel, principal_of(request), deal_id, await _body(request), line_id)).as_json()
        except (Invalid, Refused) as exc:
            return _problem(exc)

    @delete("/{deal_id:str}/lines/{line_id:str}", opt={"permission": WRITE}, name="sales:api-deal-line-delete", responses=NOT_FOUND, status_code=204)
    async def remove(self, request: Request, deal_id: str, line_id: str) -> None:
        await delete_line(request.app.state.kernel, principal_of(request), deal_id, line_id)


async def _writable(request: Request, deal_id: str) -> None:
    """404 before the body is read: a deal the user may not change answers as a missing one,
    whatever was sent (a 400 for an unknown key would still be an answer about it)."""
    await open_deal(request.app.state.kernel, principal_of(request), deal_id, "write")


async def _body(request: Request) -> dict:
    try:
        data = await request.json()
    except Exception:  # noqa: BLE001 - any unreadable body is the same refusal
        data = None
    if not isinstance(data, dict):
        raise Refused({"__all__": "send a JSON object of the line's values"})
    unknown = [k for k in data if k not in FORM_KEYS]
    if unknown:
        raise Refused({k: "Unknown field." for k in unknown})
    return data


__all__ = ["LineScreens", "LineApi", "FIELDS", "panel_context"]

"""The catalogue's own screens: the category tree and the price analysis.

Products, categories, price types and prices are core's entity pages
(lists, record pages, forms, import and export); these add what a list
cannot show: the tree, and prices side by side.
"""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from core.i18n.timezones import today
from core.permissions.errors import NotFound
from core.permissions.gate import Gate
from core.permissions.request import principal_of
from plugins.sales.catalog.analysis import analyse, sort_rows
from plugins.sales.catalog.tree import load_tree


def signed_percent(value) -> str:
    """"+20,0 %", "−6,2 %": a margin or deviation with its sign and one place, in the reader's language."""
    from babel.numbers import format_decimal

    from core.i18n import current_locale

    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return f"{sign}{format_decimal(abs(value), format='#,##0.0', locale=current_locale())}\u00a0%"


def _date(text: str | None) -> tuple[date, bool]:
    """The date asked for (``on=2026-03-01``), else today on the reader's clock; and whether it was understood."""
    if text:
        try:
            return date.fromisoformat(text), True
        except ValueError:
            return today(), False
    return today(), True


async def product_counts(kernel, principal, tree) -> dict:
    """Products per category, each counting those of its subcategories too (one grouped read)."""
    try:
        gate = await Gate.open(kernel, "sales.product", principal)
        direct = {g.value: g.count for g in await gate.groups("category")}
    except NotFound:
        return {}
    return {node: sum(direct.get(n, 0) for n in tree.descendants(node)) for node in tree.nodes}


class CatalogScreens(Controller):
    path = "/sales"

    @get("/categories/", opt={"permission": "sales.category.read"}, name="sales:categories")
    async def categories(self, request: Request) -> Template:
        principal = principal_of(request)
        tree = await load_tree(request.app.state.kernel, principal)
        return Template("sales/catalog/categories.html", context={
            "tree": tree, "counts": await product_counts(request.app.state.kernel, principal, tree),
            "can_create": principal.can("sales.category.create"),
            "can_read_products": principal.can("sales.product.read")})

    @get("/prices/analysis", opt={"permission": "sales.price.read"}, name="sales:price-analysis")
    async def price_analysis(self, request: Request) -> Template:
        principal = principal_of(request)
        kernel = request.app.state.kernel
        params = request.query_params
        on, understood = _date(params.get("on"))
        category = params.get("category") or None
        result = await analyse(kernel, principal, on=on, base_id=params.get("base") or None, category=category,
                               search=(params.get("q") or "").strip())
        sort = params.get("sort") or "name"
        descending = params.get("dir") == "desc"
        rows = sort_rows(result.rows, sort, descending)
        tree = await load_tree(kernel, principal)
        return Template("sales/catalog/price_analysis.html", context={
            "result": result, "rows": rows, "signed_percent": signed_percent, "sort": sort, "descending": descending,
            "categories": tree.ordered(), "category": category, "q": params.get("q") or "",
            "bad_date": not understood, "typed_date": params.get("on") or "",
            "base_choices": sorted((t for t in [result.base, *result.columns] if t and t.get("purpose") == "sale"),
                                   key=lambda t: (t.get("name") or "").casefold()),
            "query": {k: v for k, v in params.items() if k in ("on", "category", "base", "q") and v}})

    # Under the category's own URL, as core's record routes are (the IDOR walk fills their id).
    @post("/category/{record_id:str}/properties", opt={"permission": "sales.category.write"},
          name="sales:category-property-attach")
    async def attach_property(self, request: Request, record_id: FromPath[str]) -> Redirect:
        from litestar.exceptions import ValidationException

        from plugins.sales.catalog.properties import attach

        form = await request.form()
        try:
            await attach(request.app.state.kernel, principal_of(request), record_id, form.get("field") or "")
        except KeyError:
            from core.i18n import _

            raise ValidationException(_("No custom field of products has this name.")) from None
        return Redirect(f"/sales/category/{record_id}", status_code=303)

    @post("/category/{record_id:str}/properties/remove", opt={"permission": "sales.category.write"},
          name="sales:category-property-detach")
    async def detach_property(self, request: Request, record_id: FromPath[str]) -> Redirect:
        from plugins.sales.catalog.properties import detach

        form = await request.form()
        await detach(request.app.state.kernel, principal_of(request), record_id, form.get("field") or "")
        return Redirect(f"/sales/category/{record_id}", status_code=303)

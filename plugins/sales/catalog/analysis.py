"""Price analysis: per product, our selling price against every other price type on a date.

For each product the base price (our selling price type: the default one
unless another is chosen) is set against each other price type:

* purchase and supplier prices are what a product costs us: the **margin**
  is the share of our price that stays with us, (ours − cost) / ours × 100;
* competitors' prices and our other selling prices are compared: the
  **deviation** is how far ours lies above (+) or below (−) theirs,
  (ours − theirs) / theirs × 100.

Prices are compared without VAT: a price type that includes VAT has it
taken out at the product's rate first (a retail price with 22 % VAT against
a supplier's price without VAT would otherwise show a 22 % margin that is
the state's). Prices in another currency than the base are shown but not
compared (there is no exchange rate to compare them at). Percentages have
one decimal place, rounded half up.

Everything is read through the query gate of the reader: products,
categories, price types and prices they may not read are simply absent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from core.entities.sql import Filter
from core.permissions.errors import NotFound
from core.permissions.gate import MAX_LIMIT, Gate, ListRequest
from plugins.sales import pricing
from plugins.sales.catalog.tree import load_tree
from plugins.sales.vat import rate_of

COST_PURPOSES = ("purchase", "supplier")
ONE_PLACE = Decimal("0.1")
HUNDRED = Decimal(100)


def without_vat(price: Decimal, vat_included: bool, vat_code: str | None) -> Decimal:
    """The price net of VAT: a price that includes VAT divided by (1 + rate); others as they are."""
    try:
        rate = rate_of(vat_code or "none")
    except KeyError:
        rate = None
    if not vat_included or not rate:
        return price
    return price * HUNDRED / (HUNDRED + rate)


def margin(ours: Decimal, cost: Decimal) -> Decimal | None:
    """(ours − cost) / ours, in percent; None when our price is zero."""
    if not ours:
        return None
    return ((ours - cost) * HUNDRED / ours).quantize(ONE_PLACE, ROUND_HALF_UP)


def deviation(ours: Decimal, theirs: Decimal) -> Decimal | None:
    """(ours − theirs) / theirs, in percent: above (+) or below (−) theirs; None when theirs is zero."""
    if not theirs:
        return None
    return ((ours - theirs) * HUNDRED / theirs).quantize(ONE_PLACE, ROUND_HALF_UP)


@dataclass
class Cell:
    price: Decimal | None
    percent: Decimal | None = None  # margin or deviation, as the column's ``measure`` says


@dataclass
class Row:
    product: dict
    category: str
    base: Decimal | None
    cells: dict[UUID, Cell] = field(default_factory=dict)


@dataclass
class Analysis:
    on: date
    base: dict | None  # the base price type
    columns: list[dict]  # the other price types, each with ``measure``: "margin" or "deviation"
    rows: list[Row]
    capped: bool  # more products match than one page shows


def measure_of(price_type: dict) -> str:
    return "margin" if price_type.get("purpose") in COST_PURPOSES else "deviation"


def compare(product: dict, base_type: dict, base: Decimal | None, other_type: dict, price: Decimal | None) -> Cell:
    """One cell: the other price type's price and our margin over it or deviation from it."""
    if price is None or base is None or other_type.get("currency") != base_type.get("currency"):
        return Cell(price)
    vat = product.get("vat_rate")
    ours = without_vat(base, bool(base_type.get("vat_included")), vat)
    theirs = without_vat(price, bool(other_type.get("vat_included")), vat)
    percent = margin(ours, theirs) if measure_of(other_type) == "margin" else deviation(ours, theirs)
    return Cell(price, percent)


async def analyse(kernel, principal, *, on: date, base_id: str | None = None, category: str | None = None,
                  search: str = "", limit: int = MAX_LIMIT) -> Analysis:
    """The analysis of up to ``limit`` active products (by name) of ``category`` and its subcategories."""
    types = await pricing.price_types(kernel, principal)
    base = next((t for t in types if str(t["id"]) == (base_id or "")), None)
    if base is None:
        default = await pricing.default_price_type(kernel, principal)
        base = next((t for t in types if default and t["id"] == default["id"]), None)
    if base is None:
        base = next((t for t in types if t.get("purpose") == "sale"), None)
    columns = [{**t, "measure": measure_of(t)} for t in types if base is None or t["id"] != base["id"]]
    tree = await load_tree(kernel, principal)
    filters = [Filter("active", "eq", "true")]
    if category:
        root = next((n for n in tree.nodes if str(n) == category), None)
        filters.append(Filter("category", "in", [str(n) for n in tree.descendants(root)] if root else []))
    try:
        gate = await Gate.open(kernel, "sales.product", principal)
        page = await gate.list(ListRequest(filters=filters, search=search, sort=["name"], limit=limit))
    except NotFound:
        return Analysis(on, base, columns, [], False)
    products = page.rows
    wanted = [t["id"] for t in types]
    prices = await pricing.prices_on(kernel, principal, [p["id"] for p in products], wanted, on)
    rows = []
    for product in products:
        ours = prices.get((product["id"], base["id"])) if base else None
        row = Row(product, tree.path(product.get("category")) if product.get("category") else "", ours)
        for column in columns:
            row.cells[column["id"]] = compare(product, base, ours, column, prices.get((product["id"], column["id"])))
        rows.append(row)
    return Analysis(on, base, columns, rows, page.next_cursor is not None)


def sort_rows(rows: list[Row], key: str, descending: bool) -> list[Row]:
    """By "name", "sku", "base" or a column's id (its percentage); rows without a value last, whichever way."""
    def value(row: Row):
        if key == "name":
            return (row.product.get("name") or "").casefold()
        if key == "sku":
            return (row.product.get("sku") or "").casefold()
        if key == "base":
            return row.base
        cell = next((c for t, c in row.cells.items() if str(t) == key), None)
        return cell.percent if cell else None

    present = [r for r in rows if value(r) is not None]
    absent = [r for r in rows if value(r) is None]
    return sorted(present, key=value, reverse=descending) + absent

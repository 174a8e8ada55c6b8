"""Prices on a date: how deal lines, the price analysis and other plugins read prices.

A price of a product in a price type holds from its ``effective_from`` date
until the next price of the same pair takes effect: the price on a date is
the last one effective on or before it, and none before the first. History
is kept — a new price is a new row, older rows stay (1C's "Установка цен
номенклатуры" works the same way). Two prices of one pair for the same day:
the one entered last holds, as the later of two documents of a day does in
1C (an import of the same price list again updates the prices it wrote,
through the match rule of ``catalog/wiring.py``, rather than adding rows).

Every read goes through the query gate with the caller's principal, so a
user who may not read prices gets none (``None``), never a number they could
not see on a screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from core.entities.sql import Filter
from core.permissions.errors import NotFound
from core.permissions.gate import MAX_LIMIT, Gate, ListRequest

PRICE, PRICE_TYPE = "sales.price", "sales.price_type"
CHUNK = 200  # ids per query of prices_on: well under both engines' parameter limits


async def price_on(kernel, principal, product_id, price_type_id, on: date) -> Decimal | None:
    """The product's price in that price type on that date (the last one from on or before it), read through the gate."""
    try:
        gate = await Gate.open(kernel, PRICE, principal)
        page = await gate.list(ListRequest(
            filters=[Filter("product", "eq", str(product_id)), Filter("price_type", "eq", str(price_type_id)),
                     Filter("effective_from", "lte", on.isoformat())],
            sort=["-effective_from", "-created_at"], limit=1, fields=["price"]))
    except NotFound:
        return None  # no access to prices at all: nothing to show, as on the screens
    return page.rows[0]["price"] if page.rows else None


async def prices_on(kernel, principal, product_ids: Iterable[Any], price_type_ids: Iterable[Any],
                    on: date) -> dict[tuple[UUID, UUID], Decimal]:
    """:func:`price_on` for many products and price types at once: ``{(product, price type): price}``,
    pairs without a price on that date left out. Reads every price up to ``on`` of those
    products, ``CHUNK`` products per query, and keeps the latest of each pair."""
    products = [str(p) for p in dict.fromkeys(product_ids)]
    types = [str(t) for t in dict.fromkeys(price_type_ids)]
    if not products or not types:
        return {}
    try:
        gate = await Gate.open(kernel, PRICE, principal)
    except NotFound:
        return {}
    latest: dict[tuple[UUID, UUID], tuple[date, Decimal]] = {}
    for start in range(0, len(products), CHUNK):
        request = ListRequest(
            filters=[Filter("product", "in", products[start:start + CHUNK]), Filter("price_type", "in", types),
                     Filter("effective_from", "lte", on.isoformat())],
            sort=["effective_from", "created_at"], limit=MAX_LIMIT, fields=["product", "price_type", "effective_from", "price"])
        try:
            while True:
                page = await gate.list(request)
                for row in page.rows:
                    pair = (row["product"], row["price_type"])
                    if row["price"] is not None and (pair not in latest or latest[pair][0] <= row["effective_from"]):
                        latest[pair] = (row["effective_from"], row["price"])
                if page.next_cursor is None:
                    break
                request.cursor = page.next_cursor
        except NotFound:
            return {}
    return {pair: price for pair, (_, price) in latest.items()}


async def price_types(kernel, principal) -> list[dict]:
    """Every price type the principal may read, by name (with currency and whether VAT is included)."""
    try:
        gate = await Gate.open(kernel, PRICE_TYPE, principal)
        page = await gate.list(ListRequest(sort=["name"], limit=MAX_LIMIT))
    except NotFound:
        return []
    return page.rows


async def default_price_type(kernel, principal) -> dict | None:
    """The selling price type new deal lines take their prices from (the one marked "default for
    deals"; :mod:`plugins.sales.catalog.checks` keeps it to one), or None when none is marked or
    the principal may not read it. A dict as the gate gives it: id, name, purpose, currency,
    vat_included, counterparty, is_default."""
    try:
        gate = await Gate.open(kernel, PRICE_TYPE, principal)
        page = await gate.list(ListRequest(filters=[Filter("is_default", "eq", "true")], sort=["name"], limit=1))
    except NotFound:
        return None
    return page.rows[0] if page.rows else None

"""Prices on a date (plugins/sales/pricing.py): the last one effective on or before it, history kept,
none before the first; price types with their currency and VAT flag; reads bounded by the gate."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.auth.principals import principal_for_user
from core.permissions.errors import Invalid
from core.permissions.gate import Gate, ListRequest
from core.permissions.tables import UserRole
from core.testing.fixtures import custom_role
from plugins.sales.pricing import default_price_type, price_on, prices_on


async def test_the_price_on_a_date_is_the_last_one_from_on_or_before_it(kernel, admin, catalog):
    laptop = await catalog.product("Laptop", sku=f"NB-{catalog.marker}")
    retail = await catalog.price_type("Retail", currency="RUB", vat_included=True)
    wholesale = await catalog.price_type("Wholesale")
    await catalog.price(laptop, retail, "2026-01-10", "85000.00")
    await catalog.price(laptop, retail, "2026-03-01", "89990.50")
    await catalog.price(laptop, wholesale, "2026-02-01", "79000")

    def on(day: str, price_type=retail):
        return price_on(kernel, admin, laptop["id"], price_type["id"], date.fromisoformat(day))

    assert await on("2026-01-09") is None  # before the first price there is none
    assert await on("2026-01-10") == Decimal("85000.00")  # from its own day on
    assert await on("2026-02-28") == Decimal("85000.00")  # history kept: the old price still answers for its days
    assert await on("2026-03-01") == Decimal("89990.50")
    assert await on("2030-01-01") == Decimal("89990.50")
    assert await on("2026-01-31", wholesale) is None  # another price type's prices are its own
    assert await on("2026-02-01", wholesale) == Decimal("79000.00")
    # Many at once give the same answers.
    found = await prices_on(kernel, admin, [laptop["id"]], [retail["id"], wholesale["id"]], date(2026, 2, 15))
    assert found == {(laptop["id"], retail["id"]): Decimal("85000.00"), (laptop["id"], wholesale["id"]): Decimal("79000.00")}
    assert await prices_on(kernel, admin, [laptop["id"]], [retail["id"]], date(2025, 12, 31)) == {}


async def test_of_two_prices_for_one_day_the_one_entered_last_holds(kernel, admin, catalog):
    mouse = await catalog.product("Mouse")
    retail = await catalog.price_type("Retail")
    await catalog.price(mouse, retail, "2026-05-01", "990")
    await catalog.price(mouse, retail, "2026-05-01", "1090")
    assert await price_on(kernel, admin, mouse["id"], retail["id"], date(2026, 5, 1)) == Decimal("1090.00")
    assert await prices_on(kernel, admin, [mouse["id"]], [retail["id"]], date(2026, 5, 3)) == {
        (mouse["id"], retail["id"]): Decimal("1090.00")}


async def test_price_types_carry_currency_and_vat_and_one_selling_default(kernel, admin, catalog):
    gate = await Gate.open(kernel, "sales.price_type", admin)
    for row in (await gate.list(ListRequest(limit=500))).rows:
        if row["is_default"]:  # another test's default: this one sets its own
            await gate.update(row["id"], {"is_default": False}, row["version"])
    assert await default_price_type(kernel, admin) is None
    euro = await catalog.price_type("Export", currency="EUR", vat_included=False, is_default=True)
    chosen = await default_price_type(kernel, admin)
    assert (chosen["id"], chosen["currency"], chosen["vat_included"]) == (euro["id"], "EUR", False)
    with pytest.raises(Invalid) as second:
        await catalog.price_type("Retail", is_default=True)
    assert "already the default" in second.value.errors["is_default"]
    with pytest.raises(Invalid) as purchase:
        await catalog.price_type("Purchase", purpose="purchase", is_default=True)
    assert "selling" in purchase.value.errors["is_default"]
    assert (await catalog.price_type("Competitor", purpose="competitor"))["vat_included"] is True  # the default flag


async def test_a_user_who_may_not_read_prices_gets_none(kernel, catalog, make_user):
    tea = await catalog.product("Tea")
    retail = await catalog.price_type("Retail")
    await catalog.price(tea, retail, "2026-01-01", "350")
    reader = await make_user()
    role = await custom_role({"sales.product.read": "all", "sales.price_type.read": "all"})
    await UserRole.insert(UserRole(user=reader.id, role=role.id))
    principal = await principal_for_user(reader.id, via="system")
    assert await price_on(kernel, principal, tea["id"], retail["id"], date(2026, 6, 1)) is None
    assert await prices_on(kernel, principal, [tea["id"]], [retail["id"]], date(2026, 6, 1)) == {}
    seller = await make_user(roles=["sales_manager"])  # the catalogue is reference data every seller reads
    seller_principal = await principal_for_user(seller.id, via="system")
    assert await price_on(kernel, seller_principal, tea["id"], retail["id"], date(2026, 6, 1)) == Decimal("350.00")

"""A deal line's arithmetic, exact in ``Decimal`` (the rule every sales engineer shares).

amount = round(quantity × price, 2) − discount amount, where the discount
amount = quantity × price × percent / 100 to two places (ROUND_HALF_UP, the
discount engine's ``LineDiscount.amount``); a deal's amount is the sum of its lines' amounts. Values read back from SQLite
(a REAL for a numeric column) are turned into decimals of their column's
places first, so both engines add the same numbers.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
MILLI = Decimal("0.001")


def exact(value, places: Decimal = CENT) -> Decimal | None:
    """A stored number as a decimal of ``places`` (a float from SQLite via its shortest repr)."""
    if value is None:
        return None
    if isinstance(value, float):
        value = repr(value)
    return Decimal(str(value)).quantize(places, rounding=ROUND_HALF_UP)


def line_amount(quantity: Decimal, price: Decimal, discount: Decimal) -> Decimal:
    """round(quantity × price, 2) − the discount amount (the discount engine computes that one)."""
    return (quantity * price).quantize(CENT, rounding=ROUND_HALF_UP) - discount


def deal_amount(amounts) -> Decimal:
    return sum((Decimal(a) for a in amounts), Decimal("0.00"))

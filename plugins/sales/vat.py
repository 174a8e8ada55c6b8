"""VAT rates a product or a line carries, by code.

22 % is Russia's general rate from 2026 (20 % before); 10 % for food,
children's goods and medicines; 5 % and 7 % for simplified-tax payers who
chose them; 0 % for exports; "without VAT" for sellers not paying VAT.
The code is stored; the rate is read through :func:`rate_of`.
"""

from decimal import Decimal

from core.entities.spec import Choice, label

VAT_RATES = (
    ("22", "22%", "22%", Decimal("22")),
    ("20", "20%", "20%", Decimal("20")),
    ("10", "10%", "10%", Decimal("10")),
    ("7", "7%", "7%", Decimal("7")),
    ("5", "5%", "5%", Decimal("5")),
    ("0", "0%", "0%", Decimal("0")),
    ("none", "Without VAT", "Без НДС", None),
)

VAT_CHOICES = tuple(Choice(code, label(en, ru)) for code, en, ru, _ in VAT_RATES)
_RATES = {code: rate for code, _, _, rate in VAT_RATES}


def rate_of(code: str) -> Decimal | None:
    """The rate in percent for a code (``None`` for "without VAT"); an unknown code is a KeyError."""
    return _RATES[code]

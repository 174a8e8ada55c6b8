"""Which discount each line of a document gets: the public API of automatic discounts.

``discounts_for`` reads the rules through the query gate as the user who
fills the document: rules are reference data every seller reads (stock
grants), and a rule the user may not read does not apply for them, so no
answer can carry the name of a rule they could not open. A rule whose
conditions they may not read in full is skipped too: a masked condition
must never read as "no condition" and widen the rule.

Arithmetic is exact ``Decimal``: a line's gross is round(quantity × price, 2);
its discount amount is round(quantity × price × percent / 100, 2), half up,
so it never exceeds the gross. The document amount a threshold compares
with is the sum of the lines' gross amounts (before discounts).

A discount typed by hand replaces the automatic one on its line; whether the
user may give it is :func:`manual_discount_refusal`'s answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from plugins.sales.discounts.rules import Rule, active_rules
from plugins.sales.discounts.settings import DiscountSettings, discount_settings

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
OVER_LIMIT = "sales.deal.discount_over_limit"


@dataclass(frozen=True)
class LineInput:
    product_id: UUID
    quantity: Decimal
    price: Decimal
    manual_percent: Decimal | None = None  # a discount typed by hand, if any


@dataclass(frozen=True)
class LineDiscount:
    percent: Decimal
    amount: Decimal  # quantity × price × percent / 100, 2 places, ROUND_HALF_UP
    rule_id: UUID | None
    rule_name: dict | None  # {"en": …, "ru": …}; None when none or manual
    manual: bool


NONE = LineDiscount(Decimal("0.00"), Decimal("0.00"), None, None, False)


def gross(line: LineInput) -> Decimal:
    """The line before discounts: round(quantity × price, 2)."""
    return (Decimal(line.quantity) * Decimal(line.price)).quantize(CENT, ROUND_HALF_UP)


def discount_amount(quantity: Decimal, price: Decimal, percent: Decimal) -> Decimal:
    return (Decimal(quantity) * Decimal(price) * Decimal(percent) / HUNDRED).quantize(CENT, ROUND_HALF_UP)


def combine(applying: list[Rule], mode: str) -> tuple[Decimal, Rule | None]:
    """The percent several applying rules give one line, and the rule the line names.

    ``max``: the largest. ``sum``: their sum, at most 100 %; the line names the
    largest contributor. ``priority``: only the rules of the highest priority
    count, and of those the largest. Ties go to the name, then the id, so the
    answer never depends on the order rows came in.
    """
    if not applying:
        return Decimal("0.00"), None
    if mode == "priority":
        top = max(r.priority for r in applying)
        applying = [r for r in applying if r.priority == top]
    best = min(applying, key=lambda r: (-r.percent, r.name.casefold(), str(r.id)))
    if mode == "sum":
        return min(sum((r.percent for r in applying), Decimal(0)), HUNDRED).quantize(CENT), best
    return best.percent, best


async def discounts_for(kernel, principal, *, client: dict, lines: list[LineInput], on: date,
                        settings: DiscountSettings | None = None) -> list[LineDiscount]:
    """The discount of each line (same order), for ``client`` on the date ``on``.

    ``client`` is the client's row as the user reads it (its ``id`` is what
    client conditions are checked against, through the client gate).
    ``settings`` defaults to the instance's (``KLIENTELA_SALES_DISCOUNT_*``).
    """
    settings = settings or discount_settings()
    manual_only = all(line.manual_percent is not None for line in lines)
    rules = [] if manual_only else await active_rules(kernel, principal, on)
    document = sum((gross(line) for line in lines), Decimal("0.00"))
    context = None
    if rules:
        from plugins.sales.discounts.matching import MatchContext

        context = await MatchContext.build(kernel, principal, client, [line.product_id for line in lines])
    out = []
    for line in lines:
        if line.manual_percent is not None:
            percent = Decimal(line.manual_percent).quantize(CENT, ROUND_HALF_UP)
            out.append(LineDiscount(percent, discount_amount(line.quantity, line.price, percent), None, None, True))
            continue
        applying = [r for r in rules if await context.applies(r, line.product_id, Decimal(line.quantity), gross(line), document)]
        percent, rule = combine(applying, settings.combination)
        if rule is None or percent <= 0:
            out.append(NONE)
            continue
        out.append(LineDiscount(percent, discount_amount(line.quantity, line.price, percent), rule.id, rule.label, False))
    return out


def manual_discount_refusal(principal, percent: Decimal, settings) -> str | None:
    """None when the user may give this manual discount; else the reason, in the user's language."""
    from core.i18n import _

    try:
        percent = Decimal(percent)
    except (ArithmeticError, TypeError, ValueError):
        return _("Enter the discount as a number of percent.")
    if not percent.is_finite() or percent < 0 or percent > HUNDRED:
        return _("A discount is between 0 and 100 %.")
    limit = Decimal(settings.manual_limit)
    if percent <= limit or principal.can(OVER_LIMIT):
        return None
    return _("A discount over {limit} % needs the permission to give discounts over the limit; "
             "ask the head of sales.").format(limit=format(limit.normalize(), "f"))

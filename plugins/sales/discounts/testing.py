"""For tests of anything that computes discounts (deal lines, later quotes and invoices).

Rules are global: every active rule applies to every document, so a rule
another test (a demo, a security walk's sample record) left active changes
your amounts. ``async with only_new_rules():`` switches every active rule
off for the block, and on again after it; the rules written inside the
block are switched off at its end.
"""

from __future__ import annotations

from contextlib import asynccontextmanager


@asynccontextmanager
async def only_new_rules():
    from plugins.sales.discounts.tables import DiscountRule

    active = DiscountRule.active == True  # noqa: E712
    others = [r["id"] for r in await DiscountRule.select(DiscountRule.id).where(active)]
    if others:
        await DiscountRule.update({DiscountRule.active: False}).where(DiscountRule.id.is_in(others))
    try:
        yield
    finally:
        await DiscountRule.update({DiscountRule.active: False}).where(active)
        if others:
            await DiscountRule.update({DiscountRule.active: True}).where(DiscountRule.id.is_in(others))

"""A catalogue, clients and rules for the discount tests, written through the gate.

Rules are global: every active rule applies to every document. Each test
therefore runs with only the rules it writes switched on (others, a demo's
say, are switched off for the test and back on after it).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from core.permissions.gate import Gate
from core.permissions.principal import Principal

SALES = ("sales.category", "sales.product", "sales.discount_rule")


def everyone(kernel, **unreadable) -> Principal:
    """All permissions at "all" (an administrator), with ``unreadable`` field rules."""
    user = uuid.uuid4()
    return Principal(user_id=user, grants={p.name: "all" for p in kernel.permissions()}, via="system",
                     team_member_ids=frozenset({user}), department_member_ids=frozenset({user}),
                     unreadable={k: frozenset(v) for k, v in unreadable.items()})


class World:
    """Writes catalogue rows, clients and rules for one test, by name."""

    def __init__(self, kernel):
        self.kernel = kernel
        self.admin = everyone(kernel)
        self.tag = uuid.uuid4().hex[:6]
        self.rules: list = []

    async def gate(self, key: str) -> Gate:
        return await Gate.open(self.kernel, key, self.admin)

    async def category(self, name: str, parent=None) -> dict:
        return await (await self.gate("sales.category")).create({"name": f"{name} {self.tag}", "parent": parent and parent["id"]})

    async def product(self, name: str, category=None) -> dict:
        return await (await self.gate("sales.product")).create({"name": f"{name} {self.tag}",
                                                                 "category": category and category["id"]})

    async def client(self, **values) -> dict:
        return await (await self.gate("contacts.client")).create({"name": f"Client {self.tag} {len(self.rules)}", **values})

    async def rule(self, name: str, percent, **conditions) -> dict:
        row = await (await self.gate("sales.discount_rule")).create({"name": f"{name} {self.tag}",
                                                                      "percent": Decimal(str(percent)), **conditions})
        self.rules.append(row)
        return row


@pytest.fixture
async def world(app_factory):
    from plugins.sales.discounts.tables import DiscountRule

    kernel = app_factory().state.kernel
    others = [r["id"] for r in await DiscountRule.select(DiscountRule.id).where(DiscountRule.active == True)]  # noqa: E712
    if others:
        await DiscountRule.update({DiscountRule.active: False}).where(DiscountRule.id.is_in(others))
    yield World(kernel)
    await DiscountRule.update({DiscountRule.active: False}).where(DiscountRule.active == True)  # noqa: E712
    if others:
        await DiscountRule.update({DiscountRule.active: True}).where(DiscountRule.id.is_in(others))

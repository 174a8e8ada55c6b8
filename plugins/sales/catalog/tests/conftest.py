"""A catalogue to test against: the kernel, the administrator's principal and gates to write with."""

from __future__ import annotations

import uuid

import pytest

from core.auth.principals import principal_for_user
from core.auth.tables import User
from core.permissions.gate import Gate
from core.testing.fixtures import ADMIN_EMAIL


class Catalog:
    """Writes catalogue rows as the administrator, through the gate, with names unique to the test."""

    def __init__(self, kernel, principal):
        self.kernel, self.principal = kernel, principal
        self.marker = uuid.uuid4().hex[:8]

    async def create(self, key: str, **values) -> dict:
        gate = await Gate.open(self.kernel, key, self.principal)
        return await gate.create(values)

    async def category(self, name: str, parent: dict | None = None) -> dict:
        return await self.create("sales.category", name=f"{name} {self.marker}", parent=str(parent["id"]) if parent else None)

    async def product(self, name: str, **values) -> dict:
        return await self.create("sales.product", name=f"{name} {self.marker}", **values)

    async def price_type(self, name: str, **values) -> dict:
        return await self.create("sales.price_type", name=f"{name} {self.marker}", **values)

    async def price(self, product: dict, price_type: dict, day: str, price: str) -> dict:
        return await self.create("sales.price", product=str(product["id"]), price_type=str(price_type["id"]),
                                 effective_from=day, price=price)


@pytest.fixture
async def kernel(app_factory):
    return app_factory(jobs_in_process=False).state.kernel


@pytest.fixture
async def admin(accounts):
    user = await User.objects().where(User.email == ADMIN_EMAIL).first()
    return await principal_for_user(user.id, via="system")


@pytest.fixture
async def catalog(kernel, admin):
    return Catalog(kernel, admin)

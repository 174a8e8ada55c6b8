"""Document tests share the session database: each works on its own records
(a unique suffix) and removes its templates and custom field afterwards."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from core.testing.fixtures import ADMIN_EMAIL


@pytest.fixture
async def kernel(app_factory):
    return app_factory().state.kernel


@pytest.fixture
async def admin_principal(accounts):
    from core.auth.principals import principal_for_user
    from core.auth.tables import User

    admin = await User.objects().where(User.email == ADMIN_EMAIL).first()
    return await principal_for_user(admin.id, via="system")


@pytest.fixture
async def amount_field(kernel):
    """A money custom field on clients (custom fields print like the others)."""
    from core.custom_fields.definitions import create_field, purge_field, retire_field

    name = f"amount_{uuid.uuid4().hex[:6]}"
    await create_field("contacts.client", name, "money", "Contract amount", "Сумма договора", kernel=kernel)
    yield name
    await retire_field("contacts.client", name, kernel=kernel)
    await purge_field("contacts.client", name, kernel=kernel)


@pytest.fixture
async def client_record(kernel, admin_principal, amount_field):
    """A client owned by the administrator, with a Cyrillic name, an address, a tax id and an amount."""
    from core.permissions.gate import Gate

    gate = await Gate.open(kernel, "contacts.client", admin_principal)
    suffix = uuid.uuid4().hex[:6]
    row = await gate.create({
        "name": f"ООО «Ромашка» {suffix}", "inn": "7707083893",
        "address_actual": "123456, г. Москва, ул. Ленина, д. 1, офис 2",
        amount_field: "1234567.89",
    })
    yield {**row, "suffix": suffix, "amount": Decimal("1234567.89"), "amount_field": amount_field}
    await gate.delete(row["id"])


@pytest.fixture
async def cleanup_templates():
    yield
    from core.documents.tables import DocumentTemplate

    await DocumentTemplate.delete(force=True)

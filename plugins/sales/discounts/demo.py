"""Demo discount rules for ``klientela demo``, named in the instance's language.

Three rules a seller meets at once on a new instance: a wholesale quantity,
key clients, a large order. Written through the gate like anything typed;
not loaded twice (a rule of the same name is not written again).
"""

from __future__ import annotations

from decimal import Decimal

from core.auth.tables import User
from core.permissions.gate import Gate
from plugins.contacts.demo import system_principal
from plugins.sales.discounts.tables import DiscountRule

RULES = [
    ({"en": "Wholesale from 10 pcs 5 %", "ru": "Опт от 10 шт. 5 %"}, {"percent": Decimal("5"), "min_quantity": Decimal("10")}),
    ({"en": "Key clients (importance A) 7 %", "ru": "Ключевые клиенты (важность A) 7 %"},
     {"percent": Decimal("7"), "importance": "high"}),
    ({"en": "Orders over 500 000 ₽ 3 %", "ru": "Заказ от 500 000 ₽ 3 %"},
     {"percent": Decimal("3"), "min_document_amount": Decimal("500000.00")}),
]


async def load(kernel) -> int:
    admin = await User.select(User.id).where(User.is_admin == True).first()  # noqa: E712
    gate = await Gate.open(kernel, "sales.discount_rule", await system_principal(kernel, admin["id"] if admin else None))
    language = kernel.settings.language if kernel.settings.language in ("en", "ru") else "en"
    written = 0
    for names, values in RULES:
        if not await DiscountRule.exists().where(DiscountRule.name == names[language]):
            await gate.create({"name": names[language], **values})
            written += 1
    return written

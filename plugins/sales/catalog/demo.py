"""A demo catalogue for ``klientela demo``: categories, a few dozen products and services, price types
with a year of price history.

An IT reseller's catalogue, in Russian as the demo's client base mostly is
(brand and model names as they are written): goods in pieces, cable in
metres, licences, services by the hour, works by the piece. Prices move
twice over the year (suppliers raise theirs; VAT went from 20 % to 22 % in
2026), so the price on a date and the price analysis have history to show.
Written through the query gate like typed records; deterministic (one
seed); skipped when the instance has products already.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from core.auth.tables import User
from core.entities.sql import Filter
from core.i18n.timezones import today
from core.permissions.gate import Gate, ListRequest
from plugins.contacts.demo import system_principal
from plugins.sales.tables import Product

# (name, parent name or None)
CATEGORIES = (
    ("Компьютеры", None), ("Ноутбуки", "Компьютеры"), ("Мониторы", "Компьютеры"), ("Комплектующие", "Компьютеры"),
    ("Периферия", None), ("Клавиатуры и мыши", "Периферия"), ("Принтеры и МФУ", "Периферия"),
    ("Сетевое оборудование", None), ("Расходные материалы", None), ("Программное обеспечение", None),
    ("Услуги", None), ("Работы", None),
)

# (article, name, category, kind, OKEI unit, VAT code, purchase price with VAT)
PRODUCTS = (
    ("NB-LEN-E14", "Ноутбук Lenovo ThinkPad E14 Gen 5, 16 ГБ, SSD 512 ГБ", "Ноутбуки", "goods", "796", "22", "78500"),
    ("NB-HUA-D15", "Ноутбук Huawei MateBook D 15, 8 ГБ, SSD 512 ГБ", "Ноутбуки", "goods", "796", "22", "52300"),
    ("NB-ASU-X515", "Ноутбук ASUS VivoBook 15 X1504, 8 ГБ, SSD 256 ГБ", "Ноутбуки", "goods", "796", "22", "41900"),
    ("NB-IRU-14", "Ноутбук iRU Калибр 14TLG, 16 ГБ, SSD 512 ГБ", "Ноутбуки", "goods", "796", "22", "47800"),
    ("MON-DEL-P2422", "Монитор Dell P2422H 23,8\"", "Мониторы", "goods", "796", "22", "16900"),
    ("MON-AOC-27B2", "Монитор AOC 27B2H 27\"", "Мониторы", "goods", "796", "22", "12400"),
    ("MON-SAM-S32", "Монитор Samsung S32A600 32\" QHD", "Мониторы", "goods", "796", "22", "27300"),
    ("RAM-KIN-16", "Модуль памяти Kingston 16 ГБ DDR4-3200", "Комплектующие", "goods", "796", "22", "3150"),
    ("SSD-SAM-1T", "Накопитель SSD Samsung 980 1 ТБ M.2", "Комплектующие", "goods", "796", "22", "7600"),
    ("PSU-CHI-650", "Блок питания Chieftec 650 Вт", "Комплектующие", "goods", "796", "22", "4900"),
    ("KB-LOG-K120", "Клавиатура Logitech K120, USB", "Клавиатуры и мыши", "goods", "796", "22", "890"),
    ("MS-LOG-M185", "Мышь беспроводная Logitech M185", "Клавиатуры и мыши", "goods", "796", "22", "1050"),
    ("SET-DEF-C915", "Комплект клавиатура и мышь Defender C-915", "Клавиатуры и мыши", "goods", "839", "22", "1290"),
    ("PRN-PAN-P2500", "Принтер лазерный Pantum P2500W", "Принтеры и МФУ", "goods", "796", "22", "9300"),
    ("MFP-KYO-2040", "МФУ Kyocera ECOSYS M2040dn", "Принтеры и МФУ", "goods", "796", "22", "31800"),
    ("MFP-HP-M141", "МФУ HP LaserJet M141w", "Принтеры и МФУ", "goods", "796", "22", "15600"),
    ("NET-MIK-HAP", "Маршрутизатор MikroTik hAP ax2", "Сетевое оборудование", "goods", "796", "22", "8900"),
    ("NET-TPL-SG108", "Коммутатор TP-Link TL-SG108, 8 портов", "Сетевое оборудование", "goods", "796", "22", "1750"),
    ("NET-KEE-AIR", "Точка доступа Keenetic Air KN-1613", "Сетевое оборудование", "goods", "796", "22", "3400"),
    ("CAB-UTP-5E", "Кабель витая пара UTP cat.5e, 4 пары", "Сетевое оборудование", "goods", "006", "22", "19"),
    ("PAP-SVE-A4", "Бумага офисная SvetoCopy A4, 500 листов", "Расходные материалы", "goods", "778", "22", "395"),
    ("CRT-PAN-420", "Картридж Pantum TL-420H", "Расходные материалы", "goods", "796", "22", "2350"),
    ("CRT-KYO-1170", "Тонер-картридж Kyocera TK-1170", "Расходные материалы", "goods", "796", "22", "4100"),
    ("SW-MS-365", "Microsoft 365 бизнес стандарт, подписка на год", "Программное обеспечение", "goods", "872", "22", "11900"),
    ("SW-KAS-KES", "Kaspersky Endpoint Security для бизнеса, 1 узел на год", "Программное обеспечение", "goods", "872",
     "none", "2600"),
    ("SW-MOY-OFF", "МойОфис Стандартный, бессрочная лицензия", "Программное обеспечение", "goods", "872", "none", "8400"),
    ("SW-ASTRA-SE", "Astra Linux Special Edition, лицензия на рабочее место", "Программное обеспечение", "goods", "872",
     "none", "13500"),
    ("SRV-SETUP-PC", "Настройка рабочего места", "Услуги", "service", "796", "22", "1200"),
    ("SRV-ADMIN-H", "Администрирование, час работы инженера", "Услуги", "service", "356", "22", "1500"),
    ("SRV-SUPPORT-M", "Абонентское обслуживание, до 10 рабочих мест", "Услуги", "service", "362", "22", "18000"),
    ("SRV-DELIVERY", "Доставка по городу", "Услуги", "service", "642", "22", "450"),
    ("SRV-AUDIT", "Аудит ИТ-инфраструктуры", "Услуги", "service", "642", "22", "25000"),
    ("WRK-SCS-PORT", "Монтаж порта СКС", "Работы", "work", "796", "22", "900"),
    ("WRK-CABLE-M", "Прокладка кабеля в кабель-канале", "Работы", "work", "006", "22", "45"),
    ("WRK-RACK", "Монтаж телекоммуникационного шкафа", "Работы", "work", "796", "22", "4500"),
    ("WRK-VIDEO-CAM", "Установка IP-камеры видеонаблюдения", "Работы", "work", "796", "22", "1700"),
)

# (name, purpose, VAT included, default for deals)
PRICE_TYPES = (
    ("Розничная", "sale", True, True),
    ("Оптовая", "sale", True, False),
    ("Закупочная", "purchase", True, False),
    ("Поставщик «ТехноОпт»", "supplier", False, False),
    ("Конкурент «Мегатех»", "competitor", True, False),
)
PURPOSE = {name: purpose for name, purpose, _, _ in PRICE_TYPES}
HISTORY = ("Розничная", "Закупочная")  # the price types whose year of history the demo writes
KOPECKS = Decimal("0.01")


def _money(value: Decimal, step: Decimal = KOPECKS) -> Decimal:
    return (value / step).quantize(Decimal(1), ROUND_HALF_UP) * step


def prices_of(purchase: Decimal, vat_code: str, rng: random.Random) -> dict[str, Decimal]:
    """The product's prices in each price type at one moment, from its purchase price (with VAT)."""
    rate = Decimal(22) if vat_code == "22" else Decimal(0)
    step = Decimal(10) if purchase >= 1000 else Decimal(1)
    retail = _money(purchase * Decimal("1.32"), step)
    return {
        "Розничная": retail,
        "Оптовая": _money(purchase * Decimal("1.15"), step),
        "Закупочная": purchase,
        # The supplier quotes without VAT, a little under what we pay it through the distributor.
        "Поставщик «ТехноОпт»": _money(purchase * Decimal("0.97") * 100 / (100 + rate)),
        "Конкурент «Мегатех»": _money(retail * Decimal(rng.randint(90, 108)) / 100, step),
    }


async def load(kernel, seed: int = 17) -> int:
    """Write the catalogue unless products exist; returns how many products it wrote."""
    if await Product.count() > 0:
        return 0
    rng = random.Random(seed)
    admin = await User.select(User.id).where(User.is_admin == True).first()  # noqa: E712
    principal = await system_principal(kernel, admin["id"] if admin else None)
    gates = {key: await Gate.open(kernel, key, principal)
             for key in ("sales.category", "sales.product", "sales.price_type", "sales.price", "contacts.client")}
    categories: dict[str, object] = {}
    for position, (name, parent) in enumerate(CATEGORIES):
        row = await gates["sales.category"].create({"name": name, "parent": categories.get(parent), "position": position})
        categories[name] = row["id"]
    suppliers = (await gates["contacts.client"].list(ListRequest(filters=[Filter("client_type", "eq", "supplier")],
                                                                 limit=2))).rows
    types = {}
    for n, (name, purpose, vat_included, default) in enumerate(PRICE_TYPES):
        counterparty = suppliers[n % len(suppliers)]["id"] if suppliers and purpose in ("supplier", "competitor") else None
        types[name] = (await gates["sales.price_type"].create({
            "name": name, "purpose": purpose, "currency": "RUB", "vat_included": vat_included, "is_default": default,
            "counterparty": counterparty}))["id"]
    now = today()
    # A year ago, the first of January (VAT 22 % and new supplier prices) and a month ago.
    moments = [(now - timedelta(days=365), Decimal("0.94")), (now - timedelta(days=150), Decimal("0.985")),
               (now - timedelta(days=30), Decimal(1))]
    for sku, name, category, kind, unit, vat, purchase in PRODUCTS:
        product = await gates["sales.product"].create({
            "sku": sku, "name": name, "category": categories[category], "kind": kind, "unit": unit, "vat_rate": vat,
            "description": ""})
        for n, (day, level) in enumerate(moments):
            for type_name, price in prices_of(_money(Decimal(purchase) * level), vat, rng).items():
                if kind != "goods" and PURPOSE[type_name] == "supplier":
                    continue  # services and works are ours: no supplier's price for them
                if n < len(moments) - 1 and type_name not in HISTORY:
                    continue  # the others' prices as they are now: a demo loads in seconds, not minutes
                await gates["sales.price"].create({"product": product["id"], "price_type": types[type_name],
                                                   "effective_from": day.isoformat(), "price": str(price)})
    return len(PRODUCTS)

"""A small, deterministic client base in Russian and English for ``klientela demo``."""

from __future__ import annotations

import random

from plugins.contacts.tables import Client, Contact

COMPANIES_RU = ["Ромашка", "Вектор", "Северсталь-Сервис", "Техноплюс", "Альфа-Трейд", "Гранит", "Сибирские окна", "Уральский хлеб"]
COMPANIES_EN = ["Northwind", "Blue Harbor", "Acme Supplies", "Greenfield Foods", "Lighthouse Media", "Summit Tools"]
FORMS_RU = ["ООО", "АО", "ИП"]
FIRST_RU = ["Анна", "Иван", "Мария", "Сергей", "Ольга", "Дмитрий", "Елена", "Павел"]
LAST_RU = ["Иванова", "Петров", "Смирнова", "Кузнецов", "Попова", "Соколов", "Лебедева", "Новиков"]
FIRST_EN = ["Alice", "John", "Emma", "Oliver", "Sophia", "James"]
LAST_EN = ["Smith", "Brown", "Taylor", "Wilson", "Clark", "Walker"]
POSITIONS = ["Director", "Buyer", "Accountant", "Директор", "Менеджер по закупкам", "Главный бухгалтер"]


async def load(count: int = 120, seed: int = 7) -> int:
    """Insert ``count`` clients with contact persons unless clients already exist."""
    if await Client.count() > 0:
        return 0
    rng = random.Random(seed)
    clients, contacts = [], []
    for n in range(count):
        russian = n % 3 != 2
        if russian:
            name = f"{rng.choice(FORMS_RU)} «{rng.choice(COMPANIES_RU)} {n}»"
            person = (rng.choice(FIRST_RU), rng.choice(LAST_RU))
            phone = f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"
        else:
            name = f"{rng.choice(COMPANIES_EN)} {n} Ltd"
            person = (rng.choice(FIRST_EN), rng.choice(LAST_EN))
            phone = f"+44 20 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
        client = Client(name=name, kind="company", email=f"office{n}@example.com", phone=phone)
        clients.append(client)
        contacts.append(
            Contact(
                full_name=f"{person[0]} {person[1]}",
                client=client.id,
                position=rng.choice(POSITIONS),
                email=f"{person[0].lower()}.{n}@example.com" if not russian else f"contact{n}@example.ru",
                phone=phone,
            )
        )
    await Client.insert(*clients).run()
    await Contact.insert(*contacts).run()
    return len(clients)

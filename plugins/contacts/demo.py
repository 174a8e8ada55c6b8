"""A living client base in Russian and English for ``klientela demo``.

A few hundred clients with contact persons, interactions (done in the past,
planned ahead), assignments and significant dates — deterministic (one
seed). Everything is written through the query gate, so phones come out in
E.164, the search finds the rows and the history shows their creation,
exactly as if people had typed them. The responsible user is the
instance's administrator.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from core.auth.tables import User
from core.permissions.gate import Gate
from core.permissions.principal import Principal
from plugins.contacts.tables import Client

COMPANIES_RU = ["Ромашка", "Вектор", "Северсталь-Сервис", "Техноплюс", "Альфа-Трейд", "Гранит", "Сибирские окна", "Уральский хлеб",
                "Волга-Логистик", "Балтийский берег", "Кедр", "Меридиан"]
COMPANIES_EN = ["Northwind", "Blue Harbor", "Acme Supplies", "Greenfield Foods", "Lighthouse Media", "Summit Tools", "Oak & Iron"]
FORMS_RU = ["ООО", "АО", "ИП"]
FIRST_RU = ["Анна", "Иван", "Мария", "Сергей", "Ольга", "Дмитрий", "Елена", "Павел"]
LAST_RU = ["Иванова", "Петров", "Смирнова", "Кузнецов", "Попова", "Соколов", "Лебедева", "Новиков"]
FIRST_EN = ["Alice", "John", "Emma", "Oliver", "Sophia", "James"]
LAST_EN = ["Smith", "Brown", "Taylor", "Wilson", "Clark", "Walker"]
POSITIONS = ["Director", "Buyer", "Accountant", "Директор", "Менеджер по закупкам", "Главный бухгалтер"]
INDUSTRIES = ["Retail", "Manufacturing", "Logistics", "IT", "Торговля", "Производство", "Строительство"]
CITIES_RU = [("Москва", 55.7512, 37.6184), ("Санкт-Петербург", 59.9386, 30.3141), ("Казань", 55.7961, 49.1064),
             ("Екатеринбург", 56.8389, 60.6057), ("Новосибирск", 55.0302, 82.9204)]
CITIES_EN = [("London", 51.5072, -0.1276), ("Manchester", 53.4808, -2.2426), ("Leeds", 53.8008, -1.5491)]
SOURCES = ["Exhibition", "Website", "Referral", "Выставка", "Сайт", "Рекомендация"]
SUBJECTS = {"call": ["Call about the order", "Звонок по заказу", "Уточнить условия"], "meeting": ["Product demo", "Встреча в офисе"],
            "letter": ["Commercial offer sent", "Отправлено КП"], "email": ["Price list by email", "Прайс-лист по почте"],
            "note": ["Prefers calls after 14:00", "Лучше звонить после 14:00"]}
TASKS = ["Prepare the commercial offer", "Check the payment", "Подготовить договор", "Согласовать скидку", "Send the samples"]


def company_inn(rng: random.Random) -> str:
    from stdnum.ru import inn

    body = f"77{rng.randint(10_000_000 // 10, 10_000_000 - 1):07d}"[:9]
    return body + inn.calc_company_check_digit(body)


async def system_principal(kernel, user_id) -> Principal:
    """Every permission at "all": the demo loader acts for the whole instance."""
    return Principal(user_id=user_id, email="demo", grants={p.name: "all" for p in kernel.permissions()}, via="system")


async def load(kernel, count: int = 200, seed: int = 7) -> int:
    """Insert ``count`` clients with people, interactions, tasks and dates unless clients already exist."""
    if await Client.count() > 0:
        return 0
    rng = random.Random(seed)
    admin = await User.select(User.id).where(User.is_admin == True).first()  # noqa: E712
    principal = await system_principal(kernel, admin["id"] if admin else None)
    gates = {key: await Gate.open(kernel, key, principal) for key in kernel.entities if key.startswith("contacts.")}
    now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    for n in range(count):
        russian = n % 3 != 2
        city, lat, lon = rng.choice(CITIES_RU if russian else CITIES_EN)
        if russian:
            name = f"{rng.choice(FORMS_RU)} «{rng.choice(COMPANIES_RU)} {n}»"
            person = (rng.choice(FIRST_RU), rng.choice(LAST_RU))
            phone = f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"
        else:
            name = f"{rng.choice(COMPANIES_EN)} {n} Ltd"
            person = (rng.choice(FIRST_EN), rng.choice(LAST_EN))
            phone = f"+44 20 7{rng.randint(100, 999)} {rng.randint(1000, 9999)}"
        client = await gates["contacts.client"].create({
            "name": name, "kind": "company", "country": "RU" if russian else "GB",
            "inn": company_inn(rng) if russian and rng.random() < 0.8 else None,
            "client_type": rng.choice(["customer", "customer", "partner", "supplier"]),
            "industry": rng.choice(INDUSTRIES), "region": city, "source": rng.choice(SOURCES),
            "importance": rng.choice(["high", "medium", "low", None]), "stage": rng.choice(["potential", "one_time", "regular", "regular", "lost"]),
            "phone": phone, "email": f"office{n}@example.com" if rng.random() < 0.85 else None,
            "address_actual": f"{city}, {rng.randint(1, 120)}" if rng.random() < 0.7 else None,
            "latitude": round(lat + rng.uniform(-0.08, 0.08), 6), "longitude": round(lon + rng.uniform(-0.12, 0.12), 6),
            "birthday": date(rng.randint(1992, 2020), rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.3 else None,
        })
        contact = await gates["contacts.contact"].create({
            "full_name": f"{person[0]} {person[1]}", "client": client["id"], "position": rng.choice(POSITIONS),
            "role": rng.choice(["decision_maker", "influencer", "accountant", None]),
            "email": f"{person[0].lower()}.{n}@example.com" if not russian else f"contact{n}@example.ru", "phone": phone,
            "birthday": date(rng.randint(1960, 1998), rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.4 else None,
        })
        for _ in range(rng.randint(1, 4)):
            kind = rng.choice(list(SUBJECTS))
            when = now + timedelta(days=rng.randint(-120, 30), hours=rng.randint(-4, 4))
            planned = when > now
            await gates["contacts.interaction"].create({
                "subject": rng.choice(SUBJECTS[kind]), "kind": kind, "status": "planned" if planned else "done",
                "client": client["id"], "contact": contact["id"], "starts_at": when, "duration_minutes": rng.choice([15, 30, 60]),
                "result": None if planned else rng.choice(["Interested", "Ждут КП", "Agreed on a meeting", "Перезвонить через неделю"]),
                "remind_minutes": 30 if planned else None,
            })
        if "contacts.task" in gates and rng.random() < 0.3:
            await gates["contacts.task"].create({
                "title": rng.choice(TASKS), "client": client["id"],
                "deadline": datetime.combine(now.date() + timedelta(days=rng.randint(-5, 20)), time(15), timezone.utc),
                "remind_minutes": 120})
        if "contacts.event" in gates and rng.random() < 0.2:
            await gates["contacts.event"].create({
                "title": f"{name}: {'годовщина сотрудничества' if russian else 'partnership anniversary'}", "kind": "anniversary",
                "date": date(rng.randint(2010, 2024), rng.randint(1, 12), rng.randint(1, 28)), "client": client["id"]})
    return count

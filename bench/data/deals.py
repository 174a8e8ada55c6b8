"""The seeded stream of deals of the generated clients: lines and a year of stage history.

Made per chunk of clients, right after the chunk (as activities are), so a
deal's client exists and memory stays flat at any size. ``total`` deals over
``clients`` clients: each chunk gets its exact share, on clients drawn from
the chunk at random (a client may have several deals, most have none).

A deal is created on a day of the year up to ``as_of`` (weekdays busier),
owned by its client's owner, in the "New business" pipeline (four in five)
or "Upsell". It then walks the pipeline's stages as the demo's deals do
(``plugins.sales.deals.walk``: the seed's reference funnel as the odds of
moving on, some stages skipped, the rest lost or won; a deal whose next move
falls after ``as_of`` stays open at its stage). Every stage entered is one
``sales_deal_stage_log`` row (creation included), as the plugin writes them.

Lines: one to four products of the generated catalogue, quantity, the
price of the default price type, sometimes a discount; the deal's amount is
the exact sum of its lines (integer kopecks here, written as decimals).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from bench.data.activities import share
from bench.data.rows import uuid7

from plugins.sales.deals.walk import DAY_MS, LOST_REASONS, PIPELINES, walk

YEAR_DAYS = 365
UPSELL_SHARE = 0.2
LINES = (1, 1, 2, 2, 2, 3, 3, 4)
SOURCES = ("website", "referral", "exhibition", "cold call", "repeat", "")

SYSTEM = ("id", "created_at", "updated_at", "created_by", "updated_by", "version", "deleted_at", "owner_id", "search_text", "custom")
DEAL_COLUMNS = SYSTEM + ("name", "client", "pipeline", "stage", "probability", "amount", "currency", "price_type",
                         "expected_close", "closed_at", "status", "source", "competitors", "lost_reason", "next_step",
                         "stage_entered_at")
LINE_COLUMNS = SYSTEM + ("deal", "position", "product", "quantity", "unit", "price", "discount_percent", "discount_amount",
                         "discount_manual", "vat_rate", "amount")
LOG_COLUMNS = ("id", "deal", "pipeline", "stage", "from_stage", "entered_at", "author")


@dataclass(frozen=True)
class Stage:
    id: object
    name: str
    probability: int
    outcome: str
    norm: int | None


@dataclass
class Pipeline:
    id: object
    name: str
    stages: tuple[Stage, ...]

    @cached_property
    def open(self) -> tuple[Stage, ...]:
        return tuple(s for s in self.stages if s.outcome == "open")

    @cached_property
    def won(self) -> Stage:
        return next(s for s in self.stages if s.outcome == "won")

    @cached_property
    def lost(self) -> Stage:
        return next(s for s in self.stages if s.outcome == "lost")


@dataclass(frozen=True)
class Product:
    id: object
    name: str
    unit: str
    vat_rate: str
    price_cents: int


@dataclass
class Deals:
    deals: list[tuple] = field(default_factory=list)
    lines: list[tuple] = field(default_factory=list)
    log: list[tuple] = field(default_factory=list)


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


class DealMaker:
    """Deals of a chunk of clients; ``people`` maps the clients' owner indices to user ids."""

    def __init__(self, seed: int, total: int, clients: int, as_of: date, pipelines: list[Pipeline], products: list[Product],
                 price_type, people: list, as_text: bool, search_text):
        self.rng = random.Random(f"deals:{seed}")
        self.total, self.clients = total, clients
        self.end_ms = int(datetime(as_of.year, as_of.month, as_of.day, 18, tzinfo=timezone.utc).timestamp() * 1000)
        self.pipelines, self.products, self.price_type = pipelines, products, price_type
        self.people, self.as_text, self.search_text = people, as_text, search_text
        self.before = 0
        self.number = 0
        # Ids every deal repeats, in their stored form once (str(UUID) per value was a fifth of the time).
        self.text = {x.id: self._v(x.id) for p in pipelines for x in (p, *p.stages)}
        self.text.update({p.id: self._v(p.id) for p in products})
        self.price_type_text = self._v(price_type)

    def _v(self, value):
        """Ids and times as Piccolo's SQLite text forms (PostgreSQL's COPY takes them as they are)."""
        if value is None or not self.as_text:
            return value
        return str(value)

    def _at(self, ms: int):
        return self._v(datetime.fromtimestamp(ms / 1000, tz=timezone.utc))

    def for_chunk(self, records: list[dict]) -> Deals:
        count = share(self.total, self.clients, self.before, len(records))
        self.before += len(records)
        out = Deals()
        for _ in range(count):
            self.deal(records[int(self.rng.random() * len(records))], out)
        return out

    def created_ms(self) -> int:
        rng = self.rng
        while True:
            ms = self.end_ms - int(rng.random() * YEAR_DAYS * DAY_MS)
            weekday = datetime.fromtimestamp(ms / 1000, tz=timezone.utc).weekday()
            if weekday < 5 or rng.random() < 0.1:
                return ms - (ms % DAY_MS) + (6 + int(rng.random() * 10)) * 3_600_000 + int(rng.random() * 3_600_000)

    def deal(self, client: dict, out: Deals) -> None:
        rng = self.rng
        self.number += 1
        pipeline = self.pipelines[1 if rng.random() < UPSELL_SHARE else 0]
        owner = self.people[client["_owner"]]
        created = self.created_ms()
        deal_id = uuid7(created, rng)
        opened = pipeline.open
        path, closed = walk(rng, opened, pipeline.won, pipeline.lost, [x.norm for x in opened], created, self.end_ms)
        closed = None if closed == "open" else closed
        stage, entered = path[-1]
        text = self.text
        deal_key, pipeline_key = self._v(deal_id), text[pipeline.id]
        for n, (s, when) in enumerate(path):
            out.log.append((self._v(uuid7(when, rng)), deal_key, pipeline_key, text[s.id],
                            text[path[n - 1][0].id] if n else None, self._at(when), owner))
        total = 0
        product = None
        created_at = self._at(created)
        for position in range(LINES[int(rng.random() * len(LINES))]):
            product = self.products[int(rng.random() * len(self.products))]
            quantity = 1 + int(rng.expovariate(1 / 6))
            gross = quantity * product.price_cents
            percent = (0, 0, 0, 5, 10)[int(rng.random() * 5)]
            discount = (gross * percent + 50) // 100  # ROUND_HALF_UP of cents
            amount = gross - discount
            total += amount
            out.lines.append((
                self._v(uuid7(created, rng)), created_at, created_at, owner, owner, 1, None, owner, "", "{}",
                deal_key, position, text[product.id], Decimal(quantity), product.unit, money(product.price_cents),
                Decimal(percent) if percent else None, money(discount) if percent else None, False, product.vat_rate,
                money(amount)))
        name = f"{product.name} — {client['name']}"[:300]
        expected = datetime.fromtimestamp((created + int(rng.uniform(20, 120)) * DAY_MS) / 1000, tz=timezone.utc).date()
        status = closed or "open"
        row = {"name": name}
        out.deals.append((
            deal_key, created_at, self._at(entered), owner, owner, len(path), None, owner,
            self.search_text(row), "{}", name, self._v(client["id"]), pipeline_key, text[stage.id], stage.probability,
            money(total), "RUB", self.price_type_text, expected.isoformat() if self.as_text else expected,
            self._at(entered) if closed else None, status, SOURCES[int(rng.random() * len(SOURCES))], "",
            LOST_REASONS["en"][int(rng.random() * len(LOST_REASONS["en"]))] if closed == "lost" else "", "", self._at(entered)))


async def catalogue_and_pipelines(kernel, seed: int) -> tuple[list[Pipeline], list[Product], object]:
    """The generated deals' pipelines with their stages, a catalogue of products and the default price type,
    written through the ORM (a few hundred rows); the tables are reached through the kernel's entity
    registry, as the clients' are, never the plugin's modules."""
    rng = random.Random(f"catalogue:{seed}")
    made_ms = int(datetime(2019, 1, 1, tzinfo=timezone.utc).timestamp() * 1000)

    def new_id():  # seeded, so the same seed gives the same ids (and the same rows) on every run
        return uuid7(made_ms, rng)

    t = {name: kernel.entities[f"sales.{name}"].table for name in ("pipeline", "stage", "price_type", "product", "price")}
    pipelines = []
    for position, (en, _ru, stages) in enumerate(PIPELINES):
        pid = new_id()
        await t["pipeline"].insert(t["pipeline"](id=pid, name=en, position=position))
        made = []
        for n, (sen, _sru, probability, outcome, norm) in enumerate(stages):
            made.append(Stage(new_id(), sen, probability, outcome, norm))
        await t["stage"].insert(*[t["stage"](id=s.id, name=s.name, pipeline=pid, position=n, probability=s.probability,
                                             outcome=s.outcome, norm=None if s.norm is None else Decimal(s.norm))
                                  for n, s in enumerate(made)])
        pipelines.append(Pipeline(pid, en, tuple(made)))
    price_type = new_id()
    await t["price_type"].insert(t["price_type"](id=price_type, name="Retail", purpose="sale", is_default=True))
    kinds = (("Server", "796"), ("Laptop", "796"), ("Monitor", "796"), ("Printer", "796"), ("Router", "796"),
             ("Licence", "796"), ("Support", "362"), ("Installation", "356"), ("Training", "359"), ("Cable", "006"))
    products = []
    for n in range(60):
        kind, unit = kinds[n % len(kinds)]
        cents = int(rng.lognormvariate(9.5, 1.1)) * 100 + (99 if n % 3 == 0 else 0)
        products.append(Product(new_id(), f"{kind} {n // len(kinds) + 1}", unit, "22", cents))
    await t["product"].insert(*[t["product"](id=p.id, name=p.name, sku=f"SKU-{n + 1:04d}", unit=p.unit)
                                for n, p in enumerate(products)])
    await t["price"].insert(*[t["price"](product=p.id, price_type=price_type, effective_from=date(2020, 1, 1),
                                         price=Decimal(money(p.price_cents))) for p in products])
    return pipelines, products, price_type


def check(total: int) -> None:
    if total < 0:
        raise ValueError("the number of deals cannot be negative")

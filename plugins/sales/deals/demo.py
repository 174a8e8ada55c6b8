"""Demo pipelines and a year of deals for ``klientela demo``, named in the instance's language.

Two pipelines — "New business" (the seed's stages: assessment, preparation,
presentation, proposal, waiting, contract, closing, won, lost, with its
reference norms) and "Upsell" — written through the gate like anything
typed. Then, for the demo's clients, deals created over the past year that
walked the stages (``plugins.sales.deals.walk``): each deal is created
through the gate (so its lines get their prices and discounts the real way
when the catalogue has prices), then its history is written as it happened
— one stage log row per stage entered, at its time, by the deal's owner —
and its stage, status, dates and reason lost follow the last stage. Not
loaded twice: the pipelines are found by name, and deals are written only
by the run that wrote the pipelines.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

from piccolo.querystring import QueryString

from core.auth.tables import User
from core.db.engine import get_engine
from core.entities.base import new_id
from core.entities.sql import Filter
from core.permissions.gate import Gate, ListRequest
from plugins.contacts.demo import system_principal
from plugins.sales.deals.walk import DAY_MS, LOST_REASONS, PIPELINES, walk

SEED = 17
DEALS = 90
UPSELL_SHARE = 0.25
NAMES = {"en": ("Supply of {p}", "{p} for the new office", "{p}: yearly contract", "Pilot: {p}"),
         "ru": ("Поставка: {p}", "{p} для нового офиса", "{p}: годовой договор", "Пилот: {p}")}


async def load(kernel) -> int:
    """Write the demo's pipelines (when missing) and deals (when there are none); the number of deals written."""
    admin = await User.select(User.id).where(User.is_admin == True).first()  # noqa: E712
    principal = await system_principal(kernel, admin["id"] if admin else None)
    lang = kernel.settings.language if kernel.settings.language in ("en", "ru") else "en"
    made = [await _pipeline(kernel, principal, n, spec, lang) for n, spec in enumerate(PIPELINES)]
    if not any(new for _p, _s, new in made):
        return 0  # the demo ran before: its deals are there (or were deleted on purpose)
    pipelines = [(p, s) for p, s, _new in made]
    deals = await Gate.open(kernel, "sales.deal", principal)
    clients = (await (await Gate.open(kernel, "contacts.client", principal)).list(ListRequest(sort=["name"], limit=60))).rows
    products = await _priced_products(kernel, principal)
    if not clients:
        return 0
    rng = random.Random(SEED)
    end_ms = int(datetime.now(timezone.utc).timestamp() * 1000)
    written = 0
    for n in range(DEALS):
        client = clients[int(rng.random() * len(clients))]
        pipeline, stages = pipelines[1 if rng.random() < UPSELL_SHARE else 0]
        opened = [s for s in stages if s["outcome"] == "open"]
        won = next(s for s in stages if s["outcome"] == "won")
        lost = next(s for s in stages if s["outcome"] == "lost")
        created_ms = end_ms - int((rng.random() ** 0.8) * 365 * DAY_MS)
        path, status = walk(rng, opened, won, lost, [int(s["norm"] or 0) for s in opened], created_ms, end_ms)
        await _deal(kernel, principal, deals, client, pipeline, path, status, products, rng, lang)
        written += 1
    return written


async def _pipeline(kernel, principal, position: int, spec, lang: str) -> tuple[dict, list[dict], bool]:
    """The pipeline of that name with its stages, written when missing (the flag says so)."""
    en, ru, stages = spec
    name = ru if lang == "ru" else en
    pipelines = await Gate.open(kernel, "sales.pipeline", principal)
    found = (await pipelines.list(ListRequest(filters=[Filter("name", "eq", name)], limit=1))).rows
    pipeline = found[0] if found else await pipelines.create({"name": name, "position": position})
    gate = await Gate.open(kernel, "sales.stage", principal)
    have = (await gate.list(ListRequest(filters=[Filter("pipeline", "eq", str(pipeline["id"]))], sort=["position"], limit=100))).rows
    if not have:
        for n, (sen, sru, probability, outcome, norm) in enumerate(stages):
            await gate.create({"name": sru if lang == "ru" else sen, "pipeline": str(pipeline["id"]), "position": n,
                               "probability": probability, "outcome": outcome, "norm": norm})
        have = (await gate.list(ListRequest(filters=[Filter("pipeline", "eq", str(pipeline["id"]))], sort=["position"], limit=100))).rows
    return pipeline, have, not found


async def _priced_products(kernel, principal) -> list[dict]:
    """Active products that have a price in the default price type today (none: deals without lines)."""
    from plugins.sales.pricing import default_price_type, price_on

    price_type = await default_price_type(kernel, principal)
    if price_type is None:
        return []
    rows = (await (await Gate.open(kernel, "sales.product", principal)).list(
        ListRequest(filters=[Filter("active", "eq", "true")], sort=["name"], limit=60))).rows
    return [r for r in rows if await price_on(kernel, principal, r["id"], price_type["id"], date.today()) is not None]


async def _deal(kernel, principal, gate, client, pipeline, path, status, products, rng, lang) -> None:
    from plugins.sales.deals.lines import save_line

    first, created_ms = path[0]
    last, entered_ms = path[-1]
    product = products[int(rng.random() * len(products))] if products else None
    name = NAMES[lang][int(rng.random() * len(NAMES[lang]))].format(p=product["name"] if product else client["name"])
    created = datetime.fromtimestamp(created_ms / 1000, tz=timezone.utc)
    row = await gate.create({"name": name[:300], "client": str(client["id"]), "pipeline": str(pipeline["id"]),
                             "stage": str(first["id"]), "owner_id": client.get("owner_id") or principal.user_id,
                             "expected_close": (created + timedelta(days=30 + int(rng.random() * 90))).date().isoformat(),
                             "source": ("website", "referral", "exhibition", "")[int(rng.random() * 4)]})
    for extra in range(1 + int(rng.random() * 3) if products else 0):
        chosen = product if extra == 0 else products[int(rng.random() * len(products))]
        await save_line(kernel, principal, row["id"], {"product": str(chosen["id"]),
                                                       "quantity": str(1 + int(rng.expovariate(1 / 5)))})
    await _history(row["id"], pipeline["id"], path, status, row.get("owner_id") or principal.user_id, rng, lang)


async def _history(deal_id, pipeline_id, path, status: str, author, rng, lang: str) -> None:
    """The deal's stage log as it happened, and its stage, status and dates after the last stage."""
    engine = get_engine()

    def at(ms: int) -> datetime:
        return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)

    await engine.run_querystring(QueryString('DELETE FROM "sales_deal_stage_log" WHERE "deal" = {}', deal_id))
    previous = None
    for stage, ms in path:
        await engine.run_querystring(QueryString(
            'INSERT INTO "sales_deal_stage_log" ("id", "deal", "pipeline", "stage", "from_stage", "entered_at", "author") '
            'VALUES ({}, {}, {}, {}, {}, {}, {})', new_id(), deal_id, pipeline_id, stage["id"], previous, at(ms), author))
        previous = stage["id"]
    last, entered_ms = path[-1]
    closed = at(entered_ms) if status != "open" else None
    reason = LOST_REASONS[lang][int(rng.random() * len(LOST_REASONS[lang]))] if status == "lost" else ""
    await engine.run_querystring(QueryString(
        'UPDATE "sales_deal" SET "stage" = {}, "status" = {}, "probability" = {}, "closed_at" = {}, "stage_entered_at" = {}, '
        '"lost_reason" = {}, "created_at" = {} WHERE "id" = {}',
        last["id"], status, last["probability"], closed, at(entered_ms), reason, at(path[0][1]), deal_id))



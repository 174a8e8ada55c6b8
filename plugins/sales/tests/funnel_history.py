"""A generated history of deals for the funnel's tests: a pipeline, its stages, managers in two
teams, and deals written straight into the tables (stage log rows included) by a seeded generator.

Deals start on any of the first stages, move up skipping stages, sometimes step back, and end
won, lost or still open; some have no history row for the stage they stand on, some are in
the trash. Nothing here computes the funnel: the tests do that by hand in SQL.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from plugins.sales.tables import Deal, DealStageLog, Pipeline, Stage

NORMS = (100, 95, 70, 65, 50, 48, 40)  # the seed's reference funnel
OPEN_NAMES = ("Assessment", "Preparation", "Presentation", "Proposal", "Waiting", "Contract", "Closing")
START = datetime(2025, 1, 1, tzinfo=timezone.utc)
DAYS = 430


@dataclass
class History:
    pipeline: uuid.UUID
    other_pipeline: uuid.UUID
    stages: list[dict]  # id, name, position, outcome, norm
    deals: list[uuid.UUID] = field(default_factory=list)


async def make_pipeline(name: str) -> tuple[uuid.UUID, list[dict]]:
    pipeline = Pipeline(name=name)
    await pipeline.save()
    stages = []
    # Positions are not consecutive and not in creation order: the ladder follows positions.
    for i, (stage_name, norm) in enumerate(zip(OPEN_NAMES, NORMS)):
        stages.append({"name": stage_name, "position": 10 * (i + 1), "outcome": "open", "norm": norm,
                       "probability": 10 * i})
    stages.append({"name": "Won", "position": 100, "outcome": "won", "norm": 35, "probability": 100})
    stages.append({"name": "Lost", "position": 110, "outcome": "lost", "norm": None, "probability": 0})
    random.Random(name).shuffle(stages)  # inserted in no particular order
    rows = []
    for s in stages:
        row = Stage(name=s["name"], pipeline=pipeline.id, position=s["position"], outcome=s["outcome"],
                    norm=None if s["norm"] is None else Decimal(s["norm"]), probability=s["probability"])
        await row.save()
        rows.append({**s, "id": row.id})
    return pipeline.id, sorted(rows, key=lambda s: s["position"])


async def generate(seed: int, owners: list[uuid.UUID], deals: int = 240) -> History:
    rnd = random.Random(seed)
    pipeline, stages = await make_pipeline(f"Funnel test {uuid.uuid4().hex[:8]}")
    other, other_stages = await make_pipeline(f"Other pipeline {uuid.uuid4().hex[:8]}")
    history = History(pipeline, other, stages)
    deal_rows, log_rows = [], []
    for i in range(deals):
        in_other = rnd.random() < 0.1
        pipeline_id, ladder = (other, other_stages) if in_other else (pipeline, stages)
        opened = [s for s in ladder if s["outcome"] == "open"]
        won = next(s for s in ladder if s["outcome"] == "won")
        lost = next(s for s in ladder if s["outcome"] == "lost")
        created = START + timedelta(days=rnd.uniform(0, DAYS))
        at = created
        path = []
        index = rnd.choice((0, 0, 0, 1, 2))  # most start on the first stage; some skip ahead
        while True:
            path.append(opened[index])
            if rnd.random() < 0.08 and index > 0:
                index = max(0, index - rnd.randint(1, 2))  # moved back a stage or two
                continue
            roll = rnd.random()
            if roll < 0.18:
                path.append(lost)
                break
            if roll < 0.30 or index == len(opened) - 1 and roll < 0.7:
                path.append(won)
                break
            if roll < 0.42:
                break  # still open
            index = min(len(opened) - 1, index + rnd.choice((1, 1, 1, 2, 3)))  # 2, 3: skipped stages
        deal_id = uuid.uuid4()
        final = path[-1]
        status = final["outcome"]
        times = []
        for _ in path:
            at = at + timedelta(hours=rnd.uniform(1, 24 * 20))
            times.append(at)
        times[0] = created
        amount = Decimal(rnd.randint(1, 5_000_000)) / 100 if rnd.random() > 0.05 else None
        deal_rows.append(Deal(
            id=deal_id, name=f"Deal {i}", pipeline=pipeline_id, stage=final["id"], status=status,
            owner_id=rnd.choice(owners), created_at=created, updated_at=created,
            closed_at=times[-1] if status != "open" else None,
            amount=amount, currency=rnd.choice(("RUB", "RUB", "RUB", "USD")), probability=rnd.randint(0, 100),
            expected_close=(date(2025, 1, 1) + timedelta(days=rnd.randint(0, 520))) if rnd.random() > 0.1 else None,
            deleted_at=created if rnd.random() < 0.03 else None,
        ))
        keep_last = rnd.random() > 0.07  # some deals miss the history row of the stage they stand on
        previous = None
        for j, (stage, when) in enumerate(zip(path, times)):
            if j == len(path) - 1 and not keep_last and j > 0:
                break
            log_rows.append(DealStageLog(deal=deal_id, pipeline=pipeline_id, stage=stage["id"],
                                         from_stage=previous, entered_at=when))
            previous = stage["id"]
        history.deals.append(deal_id)
    await Deal.insert(*deal_rows)
    await DealStageLog.insert(*log_rows)
    return history

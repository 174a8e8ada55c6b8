"""The reverse funnel: of the deals closed in a period, per stage, the share won among those that reached it.

P(won | reached the stage) = won deals that reached it ÷ closed deals that
reached it (won or lost; a won deal reached every open stage, a lost one
those it stood on or passed). It is what a deal at that stage is worth
today, so it can become the pipeline's default probabilities: written to
each open stage through the query gate (the write permission on stages, and
every stage's version checked), rounded to whole percent.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from core.permissions.gate import Gate
from plugins.sales.funnel import STAGES
from plugins.sales.funnel.conversion import percent, reached
from plugins.sales.funnel.ladder import Ladder, Rung


@dataclass(frozen=True)
class ReverseFigure:
    rung: Rung
    reached: int  # closed deals that reached the stage
    won: int  # of them, won
    probability: Decimal | None  # %, to a tenth
    current: int | None  # the stage's default probability now

    @property
    def suggested(self) -> int | None:
        """The whole percent this stage would get (None: no closed deal reached it)."""
        return None if self.probability is None else int(self.probability.quantize(Decimal(1), ROUND_HALF_UP))


def reverse_of(ladder: Ladder, levels: Counter, won: Counter) -> tuple[ReverseFigure, ...]:
    current = {s["id"]: s.get("probability") for s in ladder.stages}
    out = []
    for rung in ladder.open_rungs:
        n, w = reached(levels, rung.rank), reached(won, rung.rank)
        out.append(ReverseFigure(rung, n, w, percent(w, n), current.get(rung.ids[0])))
    return tuple(out)


async def may_write_stages(kernel, principal, ladder: Ladder) -> bool:
    """Whether the principal's write scope on stages reaches every stage of the ladder's pipeline."""
    from piccolo.querystring import QueryString

    from core.db.engine import get_engine

    ids = [s["id"] for s in ladder.stages]
    if not ids:
        return False
    gate = await Gate.open(kernel, STAGES, principal)
    where = gate.scope_where("write", extra=[QueryString('"id" IN (' + ", ".join("{}" for _ in ids) + ")", *ids)])
    if where is None:
        return False
    rows = await get_engine().run_querystring(QueryString(f'SELECT count(*) AS n FROM "{gate.table}" WHERE {{}}', where))
    return int(rows[0]["n"]) == len(ids)


async def use_as_default_probabilities(kernel, principal, ladder: Ladder, figures) -> int:
    """Each open stage with closed deals behind it gets its reverse-funnel probability; returns how
    many stages changed. Through the stages' gate: ``NotFound`` without write access, ``Conflict``
    when someone changed a stage meanwhile; all or nothing."""
    from core.db.engine import write_transaction

    gate = await Gate.open(kernel, STAGES, principal)
    rows = {s["id"]: s for s in ladder.stages}
    changed = 0
    async with write_transaction():
        for figure in figures:
            stage = rows[figure.rung.ids[0]]
            if figure.suggested is None or stage.get("probability") == figure.suggested:
                continue
            await gate.update(stage["id"], {"probability": figure.suggested}, stage["version"])
            changed += 1
    return changed

"""A pipeline's stages as the funnel climbs them.

The open stages in their order (position, then id: the board's column order)
are the rungs 1…k; any won stage is rung k+1, above every open one, because a
won deal has passed every open stage; a lost stage is no rung at all — a lost
deal counts only the open stages it reached. A deal's *level* is the highest
rung it stood on, and it has reached every rung up to its level: this is how
skipped stages count as passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from piccolo.querystring import QueryString

from core.entities.sql import Filter
from core.permissions.gate import Gate, ListRequest
from plugins.sales.funnel import STAGES

MAX_STAGES = 500  # a pipeline has a handful; one page of the gate reads them all


@dataclass(frozen=True)
class Rung:
    """One row of the funnel: an open stage, or the won stage(s) together on the top rung."""

    rank: int
    ids: tuple[UUID, ...]
    name: str
    norm: Decimal | None  # the reference share of a cohort reaching it, %
    won: bool = False


@dataclass(frozen=True)
class Ladder:
    pipeline: UUID
    rungs: tuple[Rung, ...]
    stages: tuple[dict, ...]  # the stage rows as the gate read them (the reverse funnel writes back to them)

    @property
    def top(self) -> int:
        return len(self.rungs)

    @property
    def open_rungs(self) -> tuple[Rung, ...]:
        return tuple(r for r in self.rungs if not r.won)

    def level_sql(self, column: str) -> QueryString:
        """The rung of the stage in ``column`` (a qualified column of stage ids); 0 off the ladder."""
        pairs = [(stage_id, rung.rank) for rung in self.rungs for stage_id in rung.ids]
        if not pairs:
            return QueryString("0")
        whens = " ".join(f"WHEN {{}} THEN {rank}" for _, rank in pairs)
        return QueryString(f"CASE {column} {whens} ELSE 0 END", *[stage_id for stage_id, _ in pairs])


async def read_ladder(kernel, principal, pipeline_id: UUID) -> Ladder:
    """The ladder of ``pipeline_id``, its stages read through the gate (``NotFound`` without access)."""
    gate = await Gate.open(kernel, STAGES, principal)
    page = await gate.list(ListRequest(filters=[Filter("pipeline", "eq", str(pipeline_id))], sort=["position"],
                                       limit=MAX_STAGES))
    return build_ladder(pipeline_id, page.rows)


def build_ladder(pipeline_id: UUID, ordered: list[dict]) -> Ladder:
    """``ordered``: the pipeline's stages in the gate's order (position, then id)."""
    rungs = [Rung(i + 1, (s["id"],), s.get("name") or "", _norm(s.get("norm")))
             for i, s in enumerate(s for s in ordered if s.get("outcome") == "open")]
    won = [s for s in ordered if s.get("outcome") == "won"]
    if won:
        rungs.append(Rung(len(rungs) + 1, tuple(s["id"] for s in won), " / ".join(s.get("name") or "" for s in won),
                          _norm(won[0].get("norm")), won=True))
    return Ladder(pipeline_id, tuple(rungs), tuple(ordered))


def _norm(value) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))

"""The cohort funnel: how many of the deals created in a period reached each stage, against the norms.

A deal has reached a rung when its level is at least that rung (``ladder``):
it stood on it or on any later one. The share of a rung is the part of the
cohort (every deal created in the period) that reached it — the same
cumulative measure as the reference norms (the seed's 100 %, 95 %, 70 % …),
so the deviation is simply share − norm, in percentage points. Conversion is
the part of the previous rung's deals that reached this one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from plugins.sales.funnel.ladder import Ladder, Rung

TENTH = Decimal("0.1")


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in percent, to a tenth (half up); None of nothing."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, ROUND_HALF_UP)


def reached(levels: Counter, rank: int) -> int:
    """Deals whose level is ``rank`` or above: those that reached the rung."""
    return sum(n for level, n in levels.items() if level >= rank)


@dataclass(frozen=True)
class StageFigure:
    rung: Rung
    reached: int
    share: Decimal | None  # of the cohort, %
    conversion: Decimal | None  # of the previous rung's deals, %
    deviation: Decimal | None  # share − norm, percentage points (None without a norm or a cohort)

    @property
    def below(self) -> bool:
        return self.deviation is not None and self.deviation < 0


@dataclass(frozen=True)
class Funnel:
    cohort: int
    stages: tuple[StageFigure, ...]


def funnel_of(ladder: Ladder, levels: Counter) -> Funnel:
    cohort = sum(levels.values())
    out, previous = [], cohort
    for rung in ladder.rungs:
        n = reached(levels, rung.rank)
        deviation = None
        if rung.norm is not None and cohort:
            deviation = (Decimal(n) * 100 / Decimal(cohort) - rung.norm).quantize(TENTH, ROUND_HALF_UP)
        out.append(StageFigure(rung, n, percent(n, cohort), percent(n, previous), deviation))
        previous = n
    return Funnel(cohort, tuple(out))

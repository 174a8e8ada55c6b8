"""How far deals got: the one aggregate the funnel, the deviation and the reverse funnel read.

Per responsible manager, per outcome (open, won, lost), per level — the
highest rung of the ladder the deal stood on, by its stage history or its
current stage (``ladder``) — how many deals. One query: the deals come from
``Gate.scoped_rows`` (the viewer's *report* scope on deals, bounded by read's),
their stage history is joined to them, so nothing outside the scope is counted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from piccolo.querystring import QueryString

from core.entities.sql import Filter
from plugins.sales.funnel.ladder import Ladder

LOG = "sales_deal_stage_log"


@dataclass
class Reach:
    """Level histograms: ``levels[owner][level]`` deals, and those of them won."""

    levels: dict[UUID | None, Counter] = field(default_factory=dict)
    won: dict[UUID | None, Counter] = field(default_factory=dict)

    def add(self, owner, status: str, level: int, n: int) -> None:
        self.levels.setdefault(owner, Counter())[level] += n
        if status == "won":
            self.won.setdefault(owner, Counter())[level] += n

    @property
    def owners(self) -> list:
        return list(self.levels)

    def of(self, owner) -> tuple[Counter, Counter]:
        """One manager's (levels, won levels)."""
        return self.levels.get(owner, Counter()), self.won.get(owner, Counter())

    def team(self) -> tuple[Counter, Counter]:
        """Everyone's deals as one: (levels, won levels)."""
        return sum(self.levels.values(), Counter()), sum(self.won.values(), Counter())


def period_filters(field_name: str, start: datetime, end: datetime) -> list[Filter]:
    """``start <= field < end`` (UTC instants of the reader's first and after-last day)."""
    return [Filter(field_name, "gte", start), Filter(field_name, "lt", end)]


async def reach(gate, ladder: Ladder, filters: list[Filter]) -> Reach:
    """The level histograms of the deals ``filters`` select, within ``gate``'s report scope."""
    from core.db.engine import engine_kind, get_engine

    out = Reach()
    if not ladder.rungs:
        return out
    engine = get_engine()
    greatest = "max" if engine_kind(engine) == "sqlite" else "GREATEST"  # the larger of two values
    deals = gate.scoped_rows(["owner_id", "status", "stage"], filters=filters, action="report")
    sql = (
        'SELECT owner, status, level, count(*) AS n FROM ('
        f'SELECT d."owner_id" AS owner, d."status" AS status, {greatest}(COALESCE(max({{}}), 0), {{}}) AS level '
        f'FROM ({{}}) AS d LEFT JOIN "{LOG}" AS l ON l."deal" = d."id" '
        'GROUP BY d."id", d."owner_id", d."status", d."stage") AS per_deal '
        'GROUP BY owner, status, level'
    )
    rows = await engine.run_querystring(QueryString(sql, ladder.level_sql('l."stage"'), ladder.level_sql('d."stage"'), deals))
    for row in rows:
        owner = row["owner"]
        out.add(owner if owner is None or isinstance(owner, UUID) else UUID(str(owner)), row["status"], int(row["level"]),
                int(row["n"]))
    return out

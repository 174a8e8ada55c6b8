"""Everything the funnel page shows for one pipeline, period and manager, read through the gate.

The viewer's report scope on deals bounds every figure: a sales manager sees
their team's deals, a head of sales their department's. "The team" is all of
those; a manager is one responsible user among them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from core.entities.ids import as_uuid
from core.entities.sql import Filter
from core.i18n import _
from core.i18n.timezones import day_bounds, today
from core.permissions.gate import Gate
from plugins.sales.funnel import DEALS
from plugins.sales.funnel.conversion import Funnel, funnel_of
from plugins.sales.funnel.forecast import ForecastRow, forecast
from plugins.sales.funnel.ladder import Ladder, read_ladder
from plugins.sales.funnel.reach import period_filters, reach
from plugins.sales.funnel.reverse import ReverseFigure, reverse_of


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive

    def bounds(self):
        """UTC instants [start, end) of the reader's days first…last."""
        return day_bounds(self.first, self.last)


def default_period(on: date | None = None) -> Period:
    """The last twelve months: from the first day of the month eleven months back to today."""
    on = on or today()
    month = on.year * 12 + on.month - 1 - 11
    return Period(date(month // 12, month % 12 + 1, 1), on)


def period_from(params, on: date | None = None) -> tuple[Period, dict[str, str]]:
    """The period typed in ``from`` / ``to`` (ISO dates), or the default; errors per field, in the user's language."""
    fallback = default_period(on)
    errors: dict[str, str] = {}
    values = {}
    for key, default in (("from", fallback.first), ("to", fallback.last)):
        raw = (params.get(key) or "").strip()
        try:
            values[key] = date.fromisoformat(raw) if raw else default
        except ValueError:
            errors[key] = _("Enter a date like 2026-01-31.")
            values[key] = default
    if values["from"] > values["to"]:
        errors["to"] = _("The end of the period comes before its start.")
        return fallback, errors
    return Period(values["from"], values["to"]), errors


@dataclass(frozen=True)
class ManagerFunnel:
    owner: UUID | None
    name: str
    funnel: Funnel


@dataclass(frozen=True)
class FunnelReport:
    ladder: Ladder
    period: Period
    team: Funnel
    managers: tuple[ManagerFunnel, ...]
    manager: UUID | None  # the one chosen, None: the team
    reverse: tuple[ReverseFigure, ...]
    forecast: tuple[ForecastRow, ...]

    @property
    def manager_rows(self) -> list[tuple]:
        """(name, funnel, owner) per manager, for the deviation table."""
        return [(m.name, m.funnel, m.owner) for m in self.managers]

    @property
    def shown(self) -> Funnel:
        """The funnel of the manager chosen, or the team's."""
        for m in self.managers:
            if self.manager is not None and m.owner == self.manager:
                return m.funnel
        return self.team if self.manager is None else Funnel(0, ())


async def funnel_report(kernel, principal, pipeline_id: UUID, period: Period, manager: str | None = None) -> FunnelReport:
    ladder = await read_ladder(kernel, principal, pipeline_id)
    deals = await Gate.open(kernel, DEALS, principal)
    in_pipeline = [Filter("pipeline", "eq", str(pipeline_id))]
    chosen = as_uuid(manager) if manager else None
    start, end = period.bounds()
    cohort = await reach(deals, ladder, in_pipeline + period_filters("created_at", start, end))
    closed = await reach(deals, ladder, in_pipeline + period_filters("closed_at", start, end)
                         + [Filter("status", "in", ["won", "lost"])])
    names = await manager_names(deals, cohort.owners)
    managers = tuple(sorted((ManagerFunnel(o, names.get(str(o), "—"), funnel_of(ladder, cohort.of(o)[0])) for o in cohort.owners),
                            key=lambda m: m.name.casefold()))
    levels, won = closed.of(chosen) if chosen else closed.team()
    mine = [Filter("owner_id", "eq", str(chosen))] if chosen else []
    return FunnelReport(
        ladder=ladder, period=period, team=funnel_of(ladder, cohort.team()[0]), managers=managers, manager=chosen,
        reverse=reverse_of(ladder, levels, won), forecast=tuple(await forecast(deals, in_pipeline + mine)),
    )


async def manager_names(gate, owners) -> dict[str, str]:
    """id -> the responsible user's name, as the viewer reads people elsewhere."""
    from core.entities.values import reference_titles

    rows = [{"owner_id": o} for o in owners if o is not None]
    titles = await reference_titles(gate, rows, [gate.fields["owner_id"]], gate.principal)
    return titles.get("owner_id", {})

"""Group-by through the gate: how many rows per value of a field (or per period of a date), and sums.

The one implementation of "count and sum by a field" — the REST API's
``/api/<plugin>/<entity>/groups``, the kanban board's column totals, the
dashboard's funnel and the reports all call ``Gate.groups``, implemented here
in a mixin of :class:`core.permissions.gate.Gate`, so the rows counted are those
the principal's scope for the action reaches (``action="report"`` for
reports and the API: the report scope, bounded by read's), and every field
named — grouped, summed, filtered — is checked like a filter's (S3: unknown
or unreadable is refused, never silently answered).

Dates and date-times group by ``day``, ``week`` (from Monday), ``month``,
``quarter`` or ``year``. A date-time falls in the period of the *reader's*
clock (the zone of the request or job, :func:`core.i18n.current_timezone`):
an order taken at 01:30 in Moscow on 1 May is May's, although it is still
30 April in UTC. PostgreSQL converts with ``AT TIME ZONE``; SQLite knows no
zones, so the zone's UTC offsets over the rows' time span are worked out
here (a handful of daylight-saving changes a year) and applied as a
``CASE`` on the instant, in SQL, so the grouping stays one query over the
table on both engines.
"""

from __future__ import annotations

from dataclasses import dataclass, field as dataclass_field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID

from piccolo.querystring import QueryString

from core.entities.spec import Field
from core.entities.sql import Filter, expression, quote
from core.permissions.errors import NotFound, Refused

PERIODS = ("day", "week", "month", "quarter", "year")
SUMMABLE_TYPES = ("integer", "decimal", "money")
# A value that says nothing about a group: what a long text or a list holds.
UNGROUPABLE_TYPES = ("long_text", "multi_choice")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Group:
    """One group of ``Gate.groups``: the field's ``value`` (or the first day of the
    period, a ``date``; ``None`` for rows without a value), how many rows (``count``) and,
    per summed field, their sum (``sums``: exact ``Decimal`` for money and decimals, ``int``
    for integers; 0 when every value is empty)."""

    value: Any
    count: int
    sums: dict[str, Any] = dataclass_field(default_factory=dict)


class Grouping:
    async def _groups(self, by: str, *, period: str | None = None, sums: list[str] | tuple[str, ...] = (),
                     filters: list[Filter] = (), search: str = "", action: str = "read",
                     zone: str | None = None) -> list[Group]:
        """:meth:`core.permissions.gate.Gate.groups` (documented there)."""
        from core.permissions.gate import _reading

        spec = self._groupable(by, period)
        summed = [self._summable(name) for name in dict.fromkeys(sums)]
        where = self._where(_reading(action), extra=self._filters(list(filters)) + self._search(search))
        if where is None:
            raise NotFound(self.entity.key)
        key = await self._group_key(spec, period, where, zone)
        table = quote(self.table)
        if self.kind == "sqlite" and any(f.type == "decimal" for f in summed):
            # SQLite's sum is a float: decimals are added up exactly in Python, row by row.
            values = ", ".join(f"{self._sum_sql(f)} AS s{i}" for i, f in enumerate(summed))
            rows = await self.engine.run_querystring(QueryString(f"SELECT {key} AS k, {values} FROM {table} WHERE {{}}", where))
            return self._collect(spec, period, summed, ({"k": r["k"], "n": 1, **{f"s{i}": r[f"s{i}"] for i in range(len(summed))}}
                                                       for r in rows))
        totals = "".join(f", sum({self._sum_sql(f)}) AS s{i}" for i, f in enumerate(summed))
        sql = f"SELECT {key} AS k, count(*) AS n{totals} FROM {table} WHERE {{}} GROUP BY 1"
        return self._collect(spec, period, summed, await self.engine.run_querystring(QueryString(sql, where)))

    # -- what may be grouped and summed ----------------------------------------------------

    def _groupable(self, name: str, period: str | None) -> Field:
        from core.i18n import _

        spec = self._field_for_query(name, "group by it")
        if spec.type in UNGROUPABLE_TYPES:
            raise Refused({"by": _("cannot group by {field}: it holds long text or several values").format(field=name)})
        if period is not None and period not in PERIODS:
            raise Refused({"period": _("the period is one of: {periods}").format(periods=", ".join(PERIODS))})
        if period is not None and spec.type not in ("date", "datetime"):
            raise Refused({"period": _("only a date or a date and time is grouped by period, not {field}").format(field=name)})
        if period is None and spec.type == "datetime":
            raise Refused({"period": _("a date and time is grouped by period: {periods}").format(periods=", ".join(PERIODS))})
        return spec

    def _summable(self, name: str) -> Field:
        from core.i18n import _

        spec = self._field_for_query(name, "sum it")
        if spec.type not in SUMMABLE_TYPES or not spec.summable:
            raise Refused({"sum": _("{field} is not an amount: only integer, decimal and money amounts are summed").format(field=name)})
        return spec

    def _sum_sql(self, spec: Field) -> str:
        expr = expression(spec, self.kind)
        if self.kind == "sqlite" and spec.type == "money":
            # Exact: whole cents are integers, and SQLite sums integers exactly.
            return f"CAST(round(CAST({expr} AS REAL) * 100) AS INTEGER)"
        return expr

    # -- the key: a value, or a period of the reader's calendar ----------------------------

    async def _group_key(self, spec: Field, period: str | None, where: QueryString, zone: str | None) -> str:
        expr = expression(spec, self.kind)
        if period is None:
            return expr
        if self.kind == "postgres":
            if spec.type == "date":
                return f"(date_trunc('{period}', ({expr})::timestamp))::date"
            return f"(date_trunc('{period}', {expr} AT TIME ZONE '{_zone_name(zone)}'))::date"
        if spec.type == "date":
            return _sqlite_period(f"date({expr})", period)
        epoch = f"CAST(strftime('%s', {expr}) AS INTEGER)"
        rows = await self.engine.run_querystring(QueryString(
            f"SELECT min({epoch}) AS lo, max({epoch}) AS hi FROM {quote(self.table)} WHERE {{}}", where))
        shifts = utc_offsets(rows[0]["lo"], rows[0]["hi"], _zone_name(zone)) if rows and rows[0]["lo"] is not None else [(None, 0)]
        cases = " ".join(f"WHEN {epoch} < {until} THEN {offset}" for until, offset in shifts[:-1])
        local = f"{epoch} + {shifts[-1][1]}" if not cases else f"{epoch} + CASE {cases} ELSE {shifts[-1][1]} END"
        return _sqlite_period(f"date({local}, 'unixepoch')", period)

    def _collect(self, spec: Field, period: str | None, summed: list[Field], rows) -> list[Group]:
        merged: dict[Any, list] = {}
        for row in rows:
            value = _group_value(spec, row["k"], period is not None)
            entry = merged.setdefault(value, [0] + [[] for _ in summed])
            entry[0] += int(row["n"])
            for i in range(len(summed)):
                entry[i + 1].append(row[f"s{i}"])
        groups = [Group(value, entry[0], {f.name: _sum(f, entry[i + 1], self.kind) for i, f in enumerate(summed)})
                  for value, entry in merged.items()]
        return sorted(groups, key=lambda g: (g.value is None, g.value if g.value is not None else 0))


def _sqlite_period(day: str, period: str) -> str:
    """The first day of the period holding ``day`` (an SQLite ``YYYY-MM-DD`` expression), as text."""
    if period == "day":
        return day
    if period == "week":
        return f"date({day}, '-6 days', 'weekday 1')"  # the Monday on or before
    if period == "month":
        return f"strftime('%Y-%m-01', {day})"
    if period == "quarter":
        # The month's first day, minus the months since the quarter began (NULL stays NULL).
        return f"date(strftime('%Y-%m-01', {day}), '-' || ((CAST(strftime('%m', {day}) AS INTEGER) - 1) % 3) || ' months')"
    return f"strftime('%Y-01-01', {day})"


def _zone_name(name: str | None) -> str:
    """The zone to count in: a known IANA name (so it is safe inside SQL), else UTC."""
    from core.i18n import current_timezone
    from core.i18n.timezones import timezone_names

    name = name or current_timezone()
    return name if name in timezone_names() else "UTC"


def utc_offsets(first: int, last: int, zone_name: str) -> list[tuple[int | None, int]]:
    """The UTC offsets (seconds) of ``zone_name`` between the instants ``first`` and ``last``
    (Unix seconds): ``[(until, offset), ..., (None, offset)]``, each offset holding before
    ``until`` and the last one to the end. Found by a walk of a day at a time and a bisection
    to the second at each change: daylight-saving changes are months apart."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(zone_name)

    def offset(t: int) -> int:
        return int(datetime.fromtimestamp(t, timezone.utc).astimezone(tz).utcoffset().total_seconds())

    out: list[tuple[int | None, int]] = []
    t, current = first, offset(first)
    day = int(timedelta(days=1).total_seconds())
    while t < last:
        step = min(day, last - t)
        if offset(t + step) != current:
            lo, hi = t, t + step  # offset(lo) == current != offset(hi)
            while hi - lo > 1:
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if offset(mid) == current else (lo, mid)
            out.append((hi, current))
            current = offset(hi)
            t = hi
        else:
            t += step
    out.append((None, current))
    return out


def _group_value(spec: Field, raw: Any, is_period: bool) -> Any:
    """A group's key as Python reads the field: dates as dates, ids as UUIDs, "" as None."""
    from core.entities.stored_values import from_storage

    if raw is None or raw == "":
        return None
    if is_period:
        return raw if isinstance(raw, date) else date.fromisoformat(str(raw)[:10])
    if spec.type == "boolean":
        return bool(raw)
    if spec.type in ("reference", "uuid"):
        return raw if isinstance(raw, UUID) else UUID(str(raw))
    if spec.type == "date" and isinstance(raw, date):
        return raw
    if spec.type in ("integer", "decimal", "money", "date") or spec.custom:
        return from_storage(spec, raw)
    return raw


def _sum(spec: Field, parts: list, kind: str) -> Any:
    """Partial sums (one per merged group, or one per row for SQLite decimals) as one exact total."""
    values = [p for p in parts if p is not None]
    if spec.type == "integer":
        return int(sum(int(v) for v in values))
    if spec.type == "money":
        if kind == "sqlite":
            return (Decimal(sum(int(v) for v in values)) / 100).quantize(CENT)
        return sum((Decimal(str(v)) for v in values), Decimal(0)).quantize(CENT)
    return sum((Decimal(str(v)) for v in values), Decimal(0))

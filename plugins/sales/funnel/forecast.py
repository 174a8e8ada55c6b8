"""The forecast: what open deals are expected to bring, by month of expected close and currency.

Expected amount = Σ amount × probability ÷ 100 over the open deals of the
month (the deal's own probability, which starts as its stage's default),
exact in the database and rounded to two places once per month and currency.
Amounts in different currencies are never added together. Deals without an
expected close date are a group of their own, last.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from piccolo.querystring import QueryString

from core.entities.sql import Filter

CENT = Decimal("0.01")


@dataclass(frozen=True)
class ForecastRow:
    month: date | None  # the first day of the month of expected close; None: no date
    currency: str
    deals: int
    amount: Decimal  # the open deals' amounts
    expected: Decimal  # amount × probability


def month_sql(kind: str) -> str:
    """The first day of the month of the deal's expected close."""
    if kind == "sqlite":
        return "strftime('%Y-%m-01', d.\"expected_close\")"
    return "(date_trunc('month', d.\"expected_close\"::timestamp))::date"


def _cents(kind: str, column: str) -> str:
    # SQLite keeps numeric columns as REAL: whole cents are integers, summed exactly.
    return f"CAST(round(CAST({column} AS REAL) * 100) AS INTEGER)" if kind == "sqlite" else f"({column} * 100)"


async def forecast(gate, filters: list[Filter]) -> list[ForecastRow]:
    """Open deals ``filters`` select, within the gate's report scope, by month and currency."""
    from core.db.engine import engine_kind, get_engine

    engine = get_engine()
    kind = engine_kind(engine)
    deals = gate.scoped_rows(["expected_close", "currency", "amount", "probability"],
                             filters=[*filters, Filter("status", "eq", "open")], action="report")
    cents = _cents(kind, 'd."amount"')
    sql = (f'SELECT {month_sql(kind)} AS month, d."currency" AS currency, count(*) AS n, '
           f'sum({cents}) AS amount, sum({cents} * d."probability") AS weighted FROM ({{}}) AS d GROUP BY 1, 2')
    rows = await engine.run_querystring(QueryString(sql, deals))
    out = [ForecastRow(_month(r["month"]), r["currency"] or "", int(r["n"]), _money(r["amount"], 100), _money(r["weighted"], 10000))
           for r in rows]
    return sorted(out, key=lambda r: (r.month is None, r.month or date.min, r.currency))


def _month(value) -> date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _money(value, scale: int) -> Decimal:
    return (Decimal(str(value or 0)) / scale).quantize(CENT, ROUND_HALF_UP)

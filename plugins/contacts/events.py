"""Significant dates: when a yearly date next comes round, and the upcoming list.

A date on 29 February comes round on 28 February in other years. A
one-off date (``yearly`` off) only counts until it has passed.
"""

from __future__ import annotations

from datetime import date, timedelta


def on_year(day: date, year: int) -> date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date(year, 2, 28)


def next_occurrence(event: dict, today: date) -> date | None:
    day = event.get("date")
    if day is None:
        return None
    if not event.get("yearly", True):
        return day if day >= today else None
    this_year = on_year(day, today.year)
    return this_year if this_year >= today else on_year(day, today.year + 1)


def upcoming(events: list[dict], today: date, days: int) -> list[dict]:
    """Events whose next occurrence falls within ``days`` from ``today``, soonest first,
    each with ``next`` (the date) and ``years`` (how many years it marks, for yearly ones)."""
    horizon = today + timedelta(days=days)
    out = []
    for e in events:
        nxt = next_occurrence(e, today)
        if nxt is not None and nxt <= horizon:
            years = nxt.year - e["date"].year if e.get("yearly", True) else None
            out.append({**e, "next": nxt, "years": years})
    return sorted(out, key=lambda e: (e["next"], str(e.get("title"))))

"""On which days sales work happens: three years up to a reference day, and a little ahead.

Each day of the window gets a weight — the weekday (Tuesday to Thursday
busiest, weekends nearly empty), the month (summer holidays thinner, the
year-end rush in December), public holidays (the Russian New Year break
above all) — and days are drawn in proportion to it. Days after the
reference day are planned work, thinning out the further ahead they are.

Days are drawn by bisection over the cumulative weights, so drawing for a
client created inside the window (no activity before the client existed)
costs the same as for any other.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from datetime import date, datetime, time, timedelta, timezone
from itertools import accumulate
from math import exp

PAST_DAYS = 3 * 365
FUTURE_DAYS = 90
FUTURE_DECAY_DAYS = 21  # planned work thins out the further ahead it is
DAY_MS = 86_400_000

WEEKDAY = (1.0, 1.15, 1.15, 1.1, 0.85, 0.1, 0.04)  # Monday .. Sunday
MONTH = {1: 0.9, 5: 0.85, 6: 0.85, 7: 0.65, 8: 0.65, 12: 1.1}  # others 1.0
HOLIDAYS = {  # (month, day) -> factor; Russian public holidays and the Western Christmas
    **{(1, d): 0.06 for d in range(1, 9)},
    (2, 23): 0.3, (3, 8): 0.3, (5, 1): 0.3, (5, 2): 0.5, (5, 9): 0.3, (5, 10): 0.5, (6, 12): 0.3, (11, 4): 0.3,
    (12, 24): 0.7, (12, 25): 0.5, (12, 31): 0.3,
}


def day_weight(day: date, as_of: date) -> float:
    weight = WEEKDAY[day.weekday()] * MONTH.get(day.month, 1.0) * HOLIDAYS.get((day.month, day.day), 1.0)
    ahead = (day - as_of).days
    return weight * exp(-ahead / FUTURE_DECAY_DAYS) if ahead > 0 else weight


def midnight_ms(day: date) -> int:
    return int(datetime.combine(day, time(0), timezone.utc).timestamp() * 1000)


class Calendar:
    """The window ``[as_of - PAST_DAYS, as_of + FUTURE_DAYS)`` with a weight per day."""

    def __init__(self, as_of: date):
        self.as_of = as_of
        self.as_of_ms = midnight_ms(as_of)
        first = as_of - timedelta(days=PAST_DAYS)
        days = [first + timedelta(days=i) for i in range(PAST_DAYS + FUTURE_DAYS)]
        self.day_ms = [midnight_ms(d) for d in days]
        self.cumulative = list(accumulate(day_weight(d, as_of) for d in days))

    @property
    def first_ms(self) -> int:
        return self.day_ms[0]

    @property
    def end_ms(self) -> int:
        return self.day_ms[-1] + DAY_MS

    def first_day(self, since_ms: int) -> int:
        """Index of the first day of the window not before the day of ``since_ms``."""
        return max(0, bisect_right(self.day_ms, since_ms) - 1) if since_ms >= self.first_ms else 0

    def draw(self, rng: random.Random, first: int = 0) -> int:
        """The midnight (ms) of a day at or after day ``first``, drawn in proportion to the days' weights."""
        below = self.cumulative[first - 1] if first else 0.0
        point = below + rng.random() * (self.cumulative[-1] - below)
        # bisect_right: the first day whose cumulative weight exceeds the point, never a day before ``first``.
        return self.day_ms[min(bisect_right(self.cumulative, point), len(self.cumulative) - 1)]

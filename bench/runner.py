"""The bench runner: a registry of bars, interleaved measurement, result rows.

A *bar* is one line of the quality spec (``P6``) or an informational figure
(``hooks``). Its ``measure(ctx)`` returns one :class:`Result` or several, each
comparing *our* path with a *baseline* measured in the same run: figures from
these shared, noisy machines only compare within one run. A bar whose feature
does not exist yet raises :class:`NotYetMeasurable`; it is listed, never faked.
"""

from __future__ import annotations

import gc
import inspect
import re
import statistics
import sys
import time
import traceback
from dataclasses import dataclass, field
from typing import Awaitable, Callable, Iterable

MEASURED = "measured"
NOT_YET = "not yet measurable"
ERROR = "error"


class NotYetMeasurable(Exception):
    """Raised by a bar whose feature does not exist yet; the message says why."""


@dataclass
class Result:
    """One row of the table: our median against the baseline median.

    ``id`` and ``bar`` are filled in by the runner from the bar that measured it.
    """

    what: str
    id: str = ""
    bar: str = ""
    status: str = MEASURED
    ours: float | None = None
    baseline: float | None = None
    unit: str = ""
    ratio: float | None = None
    met: bool | None = None  # None: informational, no bar to meet
    note: str = ""
    samples_seconds: dict[str, list[float]] = field(default_factory=dict)  # raw samples, per side


def measured(what: str, pair: "Pair", unit: str, scale: float = 1.0, met: bool | None = None, note: str = "") -> Result:
    """A row from a pair of sample lists (seconds), shown in ``unit`` (seconds × ``scale``)."""
    return Result(
        what=what,
        ours=pair.ours_median * scale,
        baseline=pair.base_median * scale,
        unit=unit,
        ratio=pair.ratio,
        met=met,
        note=note,
        samples_seconds={"ours": pair.ours, "baseline": pair.base},
    )


@dataclass(frozen=True)
class Bar:
    id: str  # the quality bar ("P6") or "hooks" for informational figures
    name: str  # unique; what `klientela bench run NAMES` selects (the id works too)
    title: str
    bar: str  # the bar as the spec states it, e.g. "≤ 1.1×"
    measure: Callable[..., "Result | list[Result]"]


REGISTRY: dict[str, Bar] = {}


def register(id: str, name: str, title: str, bar: str):
    """Decorator: ``@register("P6", "p6-page", "...", "≤ 1.1×")`` on ``measure(ctx)``."""

    def wrap(measure):
        if name in REGISTRY:
            raise ValueError(f"bench bar {name!r} registered twice")
        REGISTRY[name] = Bar(id=id, name=name, title=title, bar=bar, measure=measure)
        return measure

    return wrap


def _order(bar: Bar) -> tuple:
    match = re.fullmatch(r"P(\d+)", bar.id)
    return (0, int(match.group(1))) if match else (1, 0)


def all_bars() -> list[Bar]:
    import bench.bars  # noqa: F401  (registers every bar)

    names = list(REGISTRY)
    return sorted(REGISTRY.values(), key=lambda b: (_order(b), names.index(b.name)))


class UnknownBar(LookupError):
    pass


def select(names: Iterable[str] = ()) -> list[Bar]:
    """Bars matching any of ``names`` (a bar's id or name, any case); all when empty."""
    bars = all_bars()
    names = list(names)
    wanted = [n.lower() for n in names]
    if not wanted:
        return bars
    unknown = [n for n in names if not any(n.lower() in (b.id.lower(), b.name.lower()) for b in bars)]
    if unknown:
        known = sorted({b.id for b in bars} | {b.name for b in bars})
        raise UnknownBar(f"unknown bar(s) {', '.join(unknown)}; known: {', '.join(known)}")
    return [b for b in bars if b.id.lower() in wanted or b.name.lower() in wanted]


def run(bars: list[Bar], ctx, progress: Callable[[str], None] | None = None) -> list[Result]:
    """Measure each bar in turn; a failing bar becomes an ``error`` row, the rest go on."""
    results: list[Result] = []
    for bar in bars:
        started = time.perf_counter()
        try:
            produced = bar.measure(ctx)
            rows = produced if isinstance(produced, list) else [produced]
        except NotYetMeasurable as why:
            rows = [Result(what=bar.title, status=NOT_YET, note=str(why))]
        except Exception as exc:  # reported as a row; the exit status says something failed
            traceback.print_exc(file=sys.stderr)
            rows = [Result(what=bar.title, status=ERROR, note=f"{type(exc).__name__}: {exc}")]
        for row in rows:
            row.id, row.bar = row.id or bar.id, row.bar or bar.bar
        results.extend(rows)
        if progress:
            status = {r.status for r in rows}
            progress(f"{bar.id} {bar.title}: {', '.join(sorted(status))} ({time.perf_counter() - started:.1f} s)")
    return results


# -- measurement -------------------------------------------------------------


@dataclass
class Pair:
    """Samples of our path and of its baseline, taken alternately."""

    ours: list[float] = field(default_factory=list)
    base: list[float] = field(default_factory=list)

    @property
    def ours_median(self) -> float:
        return statistics.median(self.ours)

    @property
    def base_median(self) -> float:
        return statistics.median(self.base)

    @property
    def ratio(self) -> float:
        return self.ours_median / self.base_median


def interleaved(ours: Callable[[], float], base: Callable[[], float], repeat: int, warmup: int = 1) -> Pair:
    """Take ``repeat`` samples of each, alternating ours, base, ours, base...

    Each callable returns one sample (usually seconds). Alternating spreads the
    machine's drift (other tenants, CPU frequency) over both sides evenly; the
    ``warmup`` rounds (caches, lazy imports, JIT-like first calls) are dropped.
    """
    for _ in range(warmup):
        ours()
        base()
    pair = Pair()
    for _ in range(repeat):
        pair.ours.append(ours())
        pair.base.append(base())
    return pair


async def interleaved_async(ours: Callable[[], Awaitable[float]], base: Callable[[], Awaitable[float]], repeat: int, warmup: int = 1) -> Pair:
    """:func:`interleaved` for coroutine samplers (requests through an ASGI app)."""
    for _ in range(warmup):
        await ours()
        await base()
    pair = Pair()
    for _ in range(repeat):
        pair.ours.append(await ours())
        pair.base.append(await base())
    return pair


def per_call(fn: Callable[[], object], calls: int) -> Callable[[], float]:
    """A sampler: seconds per call of ``fn`` over ``calls`` calls, GC paused (as timeit)."""
    if inspect.iscoroutinefunction(fn):
        raise TypeError("per_call times plain functions; use interleaved_async for coroutines")

    def sample() -> float:
        enabled = gc.isenabled()
        gc.disable()
        try:
            started = time.perf_counter()
            for _ in range(calls):
                fn()
            return (time.perf_counter() - started) / calls
        finally:
            if enabled:
                gc.enable()

    return sample

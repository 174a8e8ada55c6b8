"""Charts drawn on the server as SVG, each with a table of the same numbers.

No chart library and no script: the geometry is computed here and the
template ``core/dashboard/chart.html`` (macro ``chart``) writes the SVG with
a ``<title>``/``<desc>``, ``role="img"`` and a ``<table>`` fallback that
screen readers and people who prefer numbers read instead. Kinds: ``bar``
(one or more series side by side), ``line`` and ``funnel`` (one series,
stages narrowing).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

KINDS = ("bar", "line", "funnel")
WIDTH, HEIGHT, PAD = 320, 160, 24


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple

    def __post_init__(self) -> None:
        if any(not isinstance(v, (int, float, Decimal)) or v < 0 for v in self.values):
            raise ValueError(f"series {self.name!r}: values must be numbers >= 0")


@dataclass(frozen=True)
class Chart:
    kind: str
    title: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""
    description: str = ""
    shapes: list = field(default_factory=list, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"chart kind must be one of {', '.join(KINDS)}")
        for s in self.series:
            if len(s.values) != len(self.labels):
                raise ValueError(f"series {s.name!r} has {len(s.values)} values for {len(self.labels)} labels")
        if self.kind == "funnel" and len(self.series) != 1:
            raise ValueError("a funnel has exactly one series")

    @property
    def peak(self) -> float:
        return float(max((v for s in self.series for v in s.values), default=0)) or 1.0

    @property
    def empty(self) -> bool:
        return not self.labels or all(v == 0 for s in self.series for v in s.values)

    def bars(self) -> list[dict]:
        """Rectangles of a bar chart: x, y, w, h, series index, label, value."""
        groups, per = len(self.labels) or 1, len(self.series) or 1
        slot = (WIDTH - 2 * PAD) / groups
        w = max(slot * 0.8 / per, 1.0)
        out = []
        for i, label in enumerate(self.labels):
            for j, s in enumerate(self.series):
                h = (HEIGHT - 2 * PAD) * float(s.values[i]) / self.peak
                x = PAD + i * slot + slot * 0.1 + j * w
                out.append({"x": round(x, 1), "y": round(HEIGHT - PAD - h, 1), "w": round(w, 1), "h": round(h, 1),
                            "series": j, "label": label, "value": s.values[i]})
        return out

    def lines(self) -> list[dict]:
        """One polyline per series: its ``points`` attribute and the dots."""
        n = len(self.labels)
        step = (WIDTH - 2 * PAD) / max(n - 1, 1)
        out = []
        for j, s in enumerate(self.series):
            dots = [{"x": round(PAD + i * step, 1), "y": round(HEIGHT - PAD - (HEIGHT - 2 * PAD) * float(v) / self.peak, 1),
                     "label": self.labels[i], "value": v} for i, v in enumerate(s.values)]
            out.append({"series": j, "points": " ".join(f"{d['x']},{d['y']}" for d in dots), "dots": dots})
        return out

    def funnel(self) -> list[dict]:
        """Centred bands, each as wide as its stage's share of the widest."""
        n = len(self.labels) or 1
        band = (HEIGHT - 8) / n
        out = []
        for i, (label, v) in enumerate(zip(self.labels, self.series[0].values)):
            w = max((WIDTH - 2 * PAD) * float(v) / self.peak, 2.0)
            out.append({"x": round((WIDTH - w) / 2, 1), "y": round(4 + i * band, 1), "w": round(w, 1),
                        "h": round(band - 4, 1), "label": label, "value": v})
        return out

"""The printed table and the JSON result file of a bench run."""

from __future__ import annotations

import json
import os
import platform
import sys
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

from bench.runner import ERROR, MEASURED, NOT_YET, Result

RESULTS_DIR = Path("bench-results")  # relative to where the bench runs; git-ignored
COLUMNS = ("ID", "What", "Ours", "Baseline", "Ratio", "Bar", "Met")


def number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2 if abs(value) >= 1 else 3
    return f"{value:.{digits}f} {unit}".strip()


def met_text(met: bool | None) -> str:
    return "info" if met is None else "yes" if met else "NO"


def cells(row: Result) -> list[str]:
    if row.status == MEASURED:
        ratio = f"{row.ratio:.2f}×" if row.ratio is not None else "—"
        return [row.id, row.what, number(row.ours, row.unit), number(row.baseline, row.unit), ratio, row.bar, met_text(row.met)]
    label = NOT_YET if row.status == NOT_YET else ERROR
    return [row.id, row.what, f"{label} — {row.note}"]


def table(results: list[Result]) -> str:
    rows = [list(COLUMNS)] + [cells(r) for r in results]
    full = [r for r in rows if len(r) == len(COLUMNS)]
    widths = [max(len(r[i]) for r in full) for i in range(len(COLUMNS))]
    widths[1] = max(len(r[1]) for r in rows)
    right = {2, 3, 4}  # numbers line up on the right
    lines = []
    for r in rows:
        parts = [c.rjust(widths[i]) if i in right and len(r) == len(COLUMNS) else c.ljust(widths[i]) for i, c in enumerate(r)]
        lines.append("  ".join(parts).rstrip())
        if r is rows[0]:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def notes(results: list[Result]) -> str:
    lines = [f"  {r.id} {r.what}: {r.note}" for r in results if r.status == MEASURED and r.note]
    return "\n".join(["notes:", *lines]) if lines else ""


def header(meta: dict) -> str:
    return (
        f"Klientela bench — {meta['engine']} ({meta['database']}), "
        f"{meta['sizes']['repeat']} interleaved samples per side after {meta['sizes']['warmup']} warm-up, "
        f"python {meta['python']}, {meta['cpus']} CPUs, {meta['started']}"
    )


def footer() -> str:
    return "ratio = median(ours) / median(baseline), both measured alternately in this run; Met: the bar (info: no bar, figure only)"


def render(results: list[Result], meta: dict) -> str:
    tail = "\n".join(part for part in (footer(), notes(results)) if part)
    return "\n\n".join((header(meta), table(results), tail))


def metadata(ctx, started: datetime, finished: datetime) -> dict:
    from core.db.engine import redact

    return {
        "started": started.isoformat(timespec="seconds"),
        "finished": finished.isoformat(timespec="seconds"),
        "engine": ctx.engine,
        "database": redact(ctx.database_url),
        "sizes": {"repeat": ctx.repeat, "warmup": ctx.warmup, "requests": ctx.requests, "calls": ctx.calls,
                  "clients": ctx.clients, "load_seconds": ctx.load_seconds, "load_rounds": ctx.load_rounds},
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "argv": sys.argv[1:],
    }


def document(results: list[Result], meta: dict) -> dict:
    return {**meta, "results": [asdict(r) for r in results]}


def write_json(doc: dict, output: Path | None = None, folder: Path = RESULTS_DIR) -> list[Path]:
    """``output`` when given; else ``<folder>/<UTC timestamp>.json`` and ``<folder>/latest.json``."""
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if output is not None:
        targets = [Path(output)]
    else:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        targets = [folder / f"{stamp}.json", folder / "latest.json"]
    for target in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(target.suffix + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    return targets

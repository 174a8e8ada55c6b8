"""Smoke test of the benchmark suite (``bench/``, ``klientela bench run``).

Tiny sizes: the figures mean nothing here and are never compared with a bar
(the suite reports, it does not assert timings). The full run goes through the
real command in a subprocess, because the bench migrates and uses its own
database while this process's engine is fixed by ``core.testing.fixtures``.
Runs on the suite's engine (SQLite or PostgreSQL).
"""

from __future__ import annotations

import json

import pytest

from bench.runner import ERROR, MEASURED, NOT_YET, NotYetMeasurable, Result, interleaved, register, run, select, REGISTRY, UnknownBar
from core.testing.cli import Instance
from core.testing.databases import fresh_database_url, on_postgres

PENDING = {"P1", "P2", "P3", "P4", "P5", "P7", "P8", "P9"}
HOOK_ROWS = 4  # menu_items, then pluggy with 0, 1 and 5 implementations


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bench")
    output = tmp / "bench.json"
    database = fresh_database_url(tmp, "bench")
    instance = Instance(data_dir=tmp / "data", database_url=database)
    # The bench never reads KLIENTELA_DATABASE_URL (it must not touch an
    # instance by accident): the database is always named explicitly.
    proc = instance.run(
        "bench", "run", "--repeat", "2", "--requests", "3", "--calls", "100",
        "--database-url", database, "--output", str(output), timeout=240,
    )
    assert proc.returncode == 0, f"klientela bench run failed:\n{proc.stdout}\n{proc.stderr}"
    rows: dict[str, list[str]] = {}
    for line in proc.stdout.splitlines():
        first = line.split(" ", 1)[0]
        if first in {f"P{i}" for i in range(1, 10)} | {"hooks"}:
            rows.setdefault(first, []).append(line)
    return proc, rows, json.loads(output.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_table_has_a_row_for_every_bar(bench_run):
    _, rows, _ = bench_run
    assert set(rows) == {f"P{i}" for i in range(1, 10)} | {"hooks"}
    assert len(rows["P6"]) == 3  # app start, GET /, GET /health
    assert len(rows["hooks"]) == HOOK_ROWS


@pytest.mark.slow
def test_pending_bars_say_not_yet_measurable(bench_run):
    _, rows, doc = bench_run
    for bar in PENDING:
        assert len(rows[bar]) == 1 and "not yet measurable — " in rows[bar][0], rows[bar]
    pending = [r for r in doc["results"] if r["id"] in PENDING]
    assert {r["id"] for r in pending} == PENDING
    assert all(r["status"] == NOT_YET and r["note"] and r["ours"] is None for r in pending)


@pytest.mark.slow
def test_measured_rows_have_positive_figures_and_a_ratio(bench_run):
    _, rows, doc = bench_run
    measured = [r for r in doc["results"] if r["id"] in ("P6", "hooks")]
    assert len(measured) == 3 + HOOK_ROWS
    for row in measured:
        assert row["status"] == MEASURED, row
        assert row["ours"] > 0 and row["baseline"] > 0 and row["ratio"] > 0, row
        assert row["unit"] and len(row["samples_seconds"]["ours"]) == 2
    for line in rows["P6"] + rows["hooks"]:
        assert "×" in line
    assert all(r["met"] is None for r in measured if r["id"] == "hooks")
    assert all(isinstance(r["met"], bool) for r in measured if r["id"] == "P6")


@pytest.mark.slow
def test_json_file_describes_the_run(bench_run):
    proc, _, doc = bench_run
    assert doc["engine"] == ("postgres" if on_postgres() else "sqlite")
    assert doc["sizes"] == {"repeat": 2, "warmup": 1, "requests": 3, "calls": 100}
    assert "wrote " in proc.stderr
    if on_postgres():
        assert ":***@" in doc["database"] or "@" not in doc["database"]


# -- the runner itself, in process (no database) ---------------------------------


def test_interleaves_ours_and_baseline_after_warmup():
    calls: list[str] = []

    def side(name, value):
        def sample():
            calls.append(name)
            return value

        return sample

    pair = interleaved(side("ours", 2.0), side("base", 1.0), repeat=3, warmup=1)
    assert calls == ["ours", "base"] * 4
    assert (len(pair.ours), len(pair.base), pair.ratio) == (3, 3, 2.0)


def test_runner_reports_pending_and_failing_bars_as_rows():
    select()  # registers the real bars first
    try:

        @register("X1", "x-pending", "pending", "≤ 1×")
        def pending(ctx):
            raise NotYetMeasurable("nothing to measure")

        @register("X2", "x-broken", "broken", "≤ 1×")
        def broken(ctx):
            raise RuntimeError("boom")

        @register("X3", "x-two", "two rows", "≤ 2×")
        def two(ctx):
            return [Result(what="a", ours=1.0, baseline=1.0, ratio=1.0), Result(what="b", ours=2.0, baseline=1.0, ratio=2.0)]

        results = run(select(["x-pending", "X2", "x-two"]), ctx=None)
    finally:
        for name in ("x-pending", "x-broken", "x-two"):
            REGISTRY.pop(name, None)
    assert [(r.id, r.status) for r in results] == [("X1", NOT_YET), ("X2", ERROR), ("X3", MEASURED), ("X3", MEASURED)]
    assert results[0].note == "nothing to measure" and "boom" in results[1].note
    assert results[2].bar == "≤ 2×"


def test_unknown_bar_names_are_refused():
    with pytest.raises(UnknownBar):
        select(["P42"])

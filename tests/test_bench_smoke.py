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

PENDING = {"P7", "P8", "P9"}  # P5: ABC/XYZ pending, the funnel measured (test below)
P1_ROWS = 2  # CSV and XLSX
# P1, R1 and R9 at a tiny size: the import of 300 rows, 2 kill -9 runs of 300 rows, a round trip of 100 clients.
# The funnel bar (P5) over 300 generated deals.
IMPORT_ENV = {"BENCH_IMPORT_ROWS": "300", "BENCH_R1_RUNS": "2", "BENCH_R1_ROWS": "300", "BENCH_ROUNDTRIP_ROWS": "100",
              "BENCH_FUNNEL_DEALS": "300"}
P4_ROWS = 3  # scan time, precision, recall (each against recordlinkage)
HOOK_ROWS = 4  # menu_items, then pluggy with 0, 1 and 5 implementations
P2_ROWS = 6  # list page, list API, search by name, phone, e-mail, tax-id prefix
P3_ROWS = 4  # list page, list API, list API at 80 rows under load, and the generator's ceiling (R7 is a row of its own)
P3_LOAD_ROWS = 3
OPS_ROWS = 8  # the Odoo-shaped operations (bench/bars/odoo.py)
# Every operation the API answers today (sparse fields= and /groups included): all are timed.
OPS_NOW = {"list, every field, 80 rows by name", "list, 5 fields (fields=), 80 rows by name",
           "list, 28 fields (fields=), 80 rows by name", "prefix filter on the name, 80 rows", "read one record",
           "create one record", "count by a field (kind), one /count call per value", "count by a field (kind) in one call (/groups)"}
CLIENTS = 300


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bench")
    output = tmp / "bench.json"
    database = fresh_database_url(tmp, "bench")
    instance = Instance(data_dir=tmp / "data", database_url=database, extra_env=IMPORT_ENV)
    # The bench never reads KLIENTELA_DATABASE_URL (it must not touch an
    # instance by accident): the database is always named explicitly.
    proc = instance.run(
        "bench", "run", "--repeat", "2", "--requests", "3", "--calls", "100", "--clients", str(CLIENTS),
        "--load-seconds", "2", "--load-rounds", "1",
        "--database-url", database, "--output", str(output), timeout=600,  # minutes on a loaded 2-core machine
    )
    assert proc.returncode == 0, f"klientela bench run failed:\n{proc.stdout}\n{proc.stderr}"
    rows: dict[str, list[str]] = {}
    for line in proc.stdout.splitlines():
        first = line.split(" ", 1)[0]
        if first in {f"P{i}" for i in range(1, 10)} | {"hooks", "R7", "R1", "R9", "ops", "auth"}:
            rows.setdefault(first, []).append(line)
    return proc, rows, json.loads(output.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_table_has_a_row_for_every_bar(bench_run):
    _, rows, _ = bench_run
    assert set(rows) == {f"P{i}" for i in range(1, 10)} | {"hooks", "R7", "R1", "R9", "ops", "auth"}
    assert len(rows["R9"]) == 2  # CSV and XLSX
    assert len(rows["auth"]) == 2  # /health with a session, with an API token
    assert len(rows["P6"]) == 3  # app start, GET /, GET /health
    assert len(rows["hooks"]) == HOOK_ROWS
    assert (len(rows["P2"]), len(rows["P3"]), len(rows["R7"]), len(rows["ops"])) == (P2_ROWS, P3_ROWS, 1, OPS_ROWS)


@pytest.mark.slow
def test_pending_bars_say_not_yet_measurable(bench_run):
    _, rows, doc = bench_run
    for bar in PENDING:
        assert len(rows[bar]) == 1 and "not yet measurable — " in rows[bar][0], rows[bar]
    pending = [r for r in doc["results"] if r["id"] in PENDING]
    assert {r["id"] for r in pending} == PENDING
    assert all(r["status"] == NOT_YET and r["note"] and r["ours"] is None for r in pending)


@pytest.mark.slow
def test_funnel_bar_measures_and_abc_xyz_waits(bench_run):
    _, rows, doc = bench_run
    p5 = [r for r in doc["results"] if r["id"] == "P5"]
    assert sorted(r["status"] for r in p5) == [MEASURED, MEASURED, NOT_YET], p5
    for row in (r for r in p5 if r["status"] == MEASURED):
        assert row["unit"] == "ms" and row["ours"] > 0 and row["baseline"] > 0 and isinstance(row["met"], bool), row
        assert "300 deals" in row["note"], row


@pytest.mark.slow
def test_measured_rows_have_positive_figures_and_a_ratio(bench_run):
    _, rows, doc = bench_run
    measured = [r for r in doc["results"] if r["id"] in ("P6", "hooks", "auth")]
    assert len(measured) == 3 + HOOK_ROWS + 2
    for row in measured:
        assert row["status"] == MEASURED, row
        assert row["ours"] > 0 and row["baseline"] > 0 and row["ratio"] > 0, row
        assert row["unit"] and len(row["samples_seconds"]["ours"]) == 2 * (10 if row["id"] == "auth" else 1)
    for line in rows["P6"] + rows["hooks"] + rows["auth"]:
        assert "×" in line
    assert all(r["met"] is None for r in measured if r["id"] == "hooks")
    assert all(isinstance(r["met"], bool) for r in measured if r["id"] in ("P6", "auth"))
    # The signed-in clients' principals were built once each and reused after.
    assert all("principals built 2, reused" in r["note"] for r in measured if r["id"] == "auth")


@pytest.mark.slow
def test_json_file_describes_the_run(bench_run):
    proc, _, doc = bench_run
    assert doc["engine"] == ("postgres" if on_postgres() else "sqlite")
    assert doc["sizes"] == {"repeat": 2, "warmup": 1, "requests": 3, "calls": 100, "clients": CLIENTS, "load_seconds": 2.0, "load_rounds": 1}
    assert "wrote " in proc.stderr
    if on_postgres():
        assert ":***@" in doc["database"] or "@" not in doc["database"]


@pytest.mark.slow
def test_list_bars_measure_on_generated_clients(bench_run):
    _, rows, doc = bench_run
    p2 = [r for r in doc["results"] if r["id"] == "P2"]
    assert len(p2) == P2_ROWS
    for row in p2:
        assert row["status"] == MEASURED, row
        assert row["unit"] == "ms" and row["ours"] > 0 and row["baseline"] > 0 and isinstance(row["met"], bool), row
        assert f"{CLIENTS:,} clients" in row["note"]
        assert len(row["samples_seconds"]["ours"]) == 2
    assert {r["what"] for r in p2} >= {"client list page (HTML) vs raw SQL", "client list API (JSON) vs raw SQL"}
    p3 = [r for r in doc["results"] if r["id"] == "P3"]
    assert len(p3) == P3_ROWS
    for row in p3:
        assert row["status"] == MEASURED and row["unit"] == "req/s", row
        assert row["ours"] > 0 and row["baseline"] > 0 and row["ratio"] == pytest.approx(row["ours"] / row["baseline"])
    *load, generator = p3
    assert len(load) == P3_LOAD_ROWS and "80 rows" in load[2]["what"]
    for row in load:
        assert "p50/p95/p99" in row["note"] and "failed 0" in row["note"] and "wrk" in row["note"], row
    # The generator's ceiling (a constant answer) beside the fastest list run: a figure, not a bar
    # (at this size and on a loaded machine a 2-second run says little; the full bench shows the gap).
    assert generator["met"] is None and "ceiling" in generator["what"] and "of a core" in generator["note"]
    (r7,) = [r for r in doc["results"] if r["id"] == "R7"]
    assert r7["met"] is True and r7["ours"] == 0 and r7["baseline"] > 0  # no request failed, some were made
    assert "req/s" in rows["P3"][0] and "0 failed" in rows["R7"][0]


@pytest.mark.slow
def test_odoo_shaped_operations_are_timed_or_say_what_the_api_answered(bench_run):
    _, rows, doc = bench_run
    ops = [r for r in doc["results"] if r["id"] == "ops"]
    assert len(ops) == OPS_ROWS
    for row in ops:
        if row["status"] == MEASURED:
            assert row["unit"] == "ms" and row["ours"] > 0 and row["met"] is None, row
            assert f"{CLIENTS:,} clients" in row["note"] and len(row["samples_seconds"]["ours"]) == 2, row
        else:
            assert row["status"] == NOT_YET and row["note"].startswith("the API answers "), row
    assert OPS_NOW <= {r["what"] for r in ops if r["status"] == MEASURED}


@pytest.mark.slow
def test_duplicate_bar_measures_scan_and_quality_on_the_labelled_clients(bench_run):
    _, rows, doc = bench_run
    p4 = [r for r in doc["results"] if r["id"] == "P4"]
    assert len(p4) == len(rows["P4"]) == P4_ROWS
    assert all(r["status"] == MEASURED for r in p4), p4
    time_row, precision, recall = p4
    assert time_row["unit"] == "s" and time_row["ours"] > 0 and time_row["baseline"] > 0
    assert time_row["met"] is None and f"{CLIENTS:,} clients" in time_row["note"]  # the time bar is at 1M
    for row in (precision, recall):
        assert 0 < row["ours"] <= 1 and 0 < row["baseline"] <= 1 and isinstance(row["met"], bool), row


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


@pytest.mark.slow
def test_import_bars_measure_at_a_tiny_size(bench_run):
    _, rows, doc = bench_run
    p1 = [r for r in doc["results"] if r["id"] == "P1"]
    assert len(p1) == P1_ROWS and len(rows["P1"]) == P1_ROWS
    for row in p1:
        assert row["status"] == MEASURED and row["unit"] == "rows/s", row
        assert row["ours"] > 0 and row["baseline"] > 0 and isinstance(row["met"], bool), row
        assert "peak RSS" in row["note"], row
    (r1,) = [r for r in doc["results"] if r["id"] == "R1"]
    assert r1["status"] == MEASURED and r1["met"] is True, r1

"""P1: import clients from CSV and XLSX against the raw bulk path; R1: kill -9 and resume.

P1. A file of ``BENCH_IMPORT_ROWS`` clients (default 100,000; the bar is
stated at 1,000,000: ``BENCH_IMPORT_ROWS=1000000 klientela bench run P1``)
with a source key, name, tax id, e-mail, phone and two custom fields (a
choice and a long text, as ``bench data`` defines them), 1% of the rows
invalid and 1% repeating an earlier key (rejected as duplicates). "Ours" is
the real ``klientela import`` command in a subprocess, into an empty client
table: parsing, validation by the gate's rules, plugins' record checks,
staging, set-based merge, audit rows, search index, checkpoints. Its peak
memory is the subprocess's max RSS. The baseline inserts the very rows the
import produced (copied aside first) into the same emptied table with the
engine's raw bulk path — ``sqlite3.executemany`` or asyncpg's COPY — timing
only the insert calls, with the same indexes and search-index triggers.
Bar: ≤ 30 s per million rows, ≥ 1/5 of the raw rate, ≤ 300 MB peak RSS.

R1. ``BENCH_R1_RUNS`` (default 30) imports of ``BENCH_R1_ROWS`` rows (default
5,000, batches of 250) killed with SIGKILL at a random point after a random
number of committed batches, checked for partial batches and resumed
(``bench/import_faults.py``); each must end identical to a clean run.
"""

from __future__ import annotations

import asyncio
import csv
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from bench.runner import Result, register

DEFAULT_ROWS = 100_000
MILLION = 1_000_000
RSS_LIMIT_MB = 300
ENTITY = "contacts.client"
HEADER = ["ref", "Наименование", "ИНН", "Эл. почта", "Телефон", "Сегмент", "Адрес"]
CLEARED = ("contacts_client", "core_audit_change", "core_dataio_reject", "core_dataio_run", "core_dataio_seen", "core_dataio_xkey")
COPY = "bench_p1_rows"


def rows_wanted() -> int:
    return int(os.environ.get("BENCH_IMPORT_ROWS") or DEFAULT_ROWS)


def file_rows(n: int):
    from stdnum.ru import inn

    rng = random.Random(1)
    segments = ["a", "b", "c"]
    for i in range(n):
        ref = f"S{i:08d}" if i % 100 != 99 else f"S{rng.randrange(max(i, 1)):08d}"  # 1%: an earlier key again
        email = f"client{i}@example.com" if i % 100 != 42 else "broken@"  # 1%: invalid
        phone = f"+7 (9{i % 100:02d}) {i % 1000:03d}-{i % 100:02d}-{(i * 7) % 100:02d}"
        base = f"{770000000 + i % 10_000_000:09d}"
        tax_id = base + inn.calc_company_check_digit(base)  # valid check digit: the contacts plugin checks it
        yield [ref, f"ООО «Клиент {i}»", tax_id, email, phone, segments[i % 3], f"г. Москва, ул. Ленина, д. {i % 300}"]


def write_files(folder: Path, n: int) -> dict[str, Path]:
    from openpyxl import Workbook

    folder.mkdir(parents=True, exist_ok=True)
    paths = {"csv": folder / "p1.csv", "xlsx": folder / "p1.xlsx"}
    with open(paths["csv"], "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        out.writerows(file_rows(n))
    # Written as Excel writes it (a shared-strings table), with openpyxl's streaming writer:
    # xlsxwriter's constant_memory mode writes inline strings, which readers parse far slower.
    book = Workbook(write_only=True)
    sheet = book.create_sheet("clients")
    sheet.append(HEADER)
    for row in file_rows(n):
        sheet.append(row)
    book.save(paths["xlsx"])
    return paths


async def _sql(sql: str, *params):
    from piccolo.querystring import QueryString

    from core.db.engine import get_engine

    return await get_engine().run_querystring(QueryString(sql, *params))


async def prepare_fields(ctx) -> None:
    from bench.data.generate import custom_fields
    from core.db.bootstrap import bound_kernel

    await custom_fields(bound_kernel(ctx.settings("corp")))


async def clear() -> None:
    for table in CLEARED:
        await _sql(f'DELETE FROM "{table}"')


MEASURE = ("import resource, subprocess, sys\n"
           "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)\n")


def klientela(ctx, *args: str) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one ``klientela`` command in a subprocess (an error if it fails)."""
    cmd = [ctx.python, "-c", MEASURE, ctx.python, "-m", "core.cli", *args]
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=ctx.env(), capture_output=True, text=True, timeout=7200)
    seconds = time.perf_counter() - started
    rss_kb, code = proc.stdout.split()
    if code != "0":
        raise RuntimeError(f"klientela {args[0]} exited {code}: {proc.stderr[-2000:]}")
    return seconds, int(rss_kb) / 1024


def run_import(ctx, path: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one ``klientela import`` into the emptied table."""
    asyncio.run(clear())
    return klientela(ctx, "import", ENTITY, str(path), "--key", "@key", "--rejects", str(path) + ".rejected.csv")


def counts() -> dict:
    async def go():
        row = (await _sql('SELECT "created", "updated", "unchanged", "rejected" FROM "core_dataio_run" ORDER BY "created_at" DESC LIMIT 1'))[0]
        return dict(row)

    return asyncio.run(go())


def raw_insert(ctx) -> float:
    """Seconds of the raw bulk path inserting the rows the import wrote (only the insert calls timed)."""

    async def go() -> float:
        await _sql(f'DROP TABLE IF EXISTS "{COPY}"')
        await _sql(f'CREATE TABLE "{COPY}" AS SELECT * FROM "contacts_client"')
        await _sql('DELETE FROM "contacts_client"')
        columns = [r["name"] for r in await _columns()]
        quoted = ", ".join(f'"{c}"' for c in columns)
        spent = 0.0
        if ctx.engine == "postgres":
            import asyncpg

            conn = await asyncpg.connect(ctx.database_url)
            try:
                offset = 0
                while True:
                    chunk = await conn.fetch(f'SELECT {quoted} FROM "{COPY}" ORDER BY "id" LIMIT 50000 OFFSET {offset}')
                    if not chunk:
                        break
                    started = time.perf_counter()
                    async with conn.transaction():
                        await conn.copy_records_to_table("contacts_client", records=[tuple(r) for r in chunk], columns=columns)
                    spent += time.perf_counter() - started
                    offset += len(chunk)
            finally:
                await conn.close()
        else:
            import sqlite3

            con = sqlite3.connect(ctx.database_url[len("sqlite:///"):], timeout=60)
            try:
                cursor = con.execute(f'SELECT {quoted} FROM "{COPY}"')
                marks = ", ".join("?" for _ in columns)
                while True:
                    chunk = cursor.fetchmany(50000)
                    if not chunk:
                        break
                    started = time.perf_counter()
                    con.executemany(f'INSERT INTO "contacts_client" ({quoted}) VALUES ({marks})', chunk)
                    con.commit()
                    spent += time.perf_counter() - started
            finally:
                con.close()
        await _sql(f'DROP TABLE IF EXISTS "{COPY}"')
        return spent

    return asyncio.run(go())


async def _columns():
    from core.db.engine import engine_kind, get_engine

    if engine_kind(get_engine()) == "postgres":
        return await _sql("SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'contacts_client' "
                          "AND table_schema = current_schema() ORDER BY ordinal_position")
    return await _sql("SELECT name FROM pragma_table_info('contacts_client')")


@register("P1", "p1-import", "Import clients (CSV/XLSX)", "≤ 30 s per 1M rows; ≥ 1/5 of raw executemany/COPY; ≤ 300 MB peak RSS")
def measure(ctx) -> list[Result]:
    n = rows_wanted()
    asyncio.run(prepare_fields(ctx))
    paths = write_files(ctx.workdir / "p1", n)
    raw_name = "COPY" if ctx.engine == "postgres" else "executemany"
    results = []
    for fmt, path in paths.items():
        seconds, rss = run_import(ctx, path)
        done = counts()
        accepted = done["created"] + done["updated"] + done["unchanged"]
        raw = raw_insert(ctx)
        ours_rate, raw_rate = n / seconds, accepted / raw if raw else float("inf")
        per_million = seconds * MILLION / n
        ratio = ours_rate / raw_rate
        met = per_million <= 30 and ratio >= 0.2 and rss <= RSS_LIMIT_MB
        results.append(Result(
            what=f"import {n:,} rows from {fmt.upper()} vs raw {raw_name}", ours=ours_rate, baseline=raw_rate, unit="rows/s",
            ratio=ratio, met=met,
            note=(f"{seconds:.1f} s ({per_million:.0f} s per 1M); peak RSS {rss:.0f} MB; created {done['created']:,}, "
                  f"rejected {done['rejected']:,} (invalid e-mails, repeated keys); raw insert {raw:.1f} s"),
            samples_seconds={"ours": [seconds], "baseline": [raw]},
        ))
    asyncio.run(clear())
    return results


@register("R1", "r1-kill-resume", "kill -9 during an import, then resume", "0 partial batches; resumed = clean, every run")
def measure_kills(ctx) -> Result:
    from bench import import_faults

    runs = int(os.environ.get("BENCH_R1_RUNS") or 30)
    rows = int(os.environ.get("BENCH_R1_ROWS") or 5000)
    batch = max(rows // 20, 1)
    path = import_faults.make_file(ctx.workdir / "r1.csv", rows)
    env = ctx.env()
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # the harness runs `klientela import` with this process's environment
    try:
        async def go():
            clean = await import_faults.clean_run_snapshot(path, tables=CLEARED, batch_rows=batch)
            partial = mismatched = killed = 0
            for i in range(runs):
                out = await import_faults.kill_and_resume(path, tables=CLEARED, batch_rows=batch,
                                                          kill_after_batches=1 + i % 15, seed=i)
                partial += out.partial_batches != 0
                mismatched += out.snapshot != clean
                killed += out.killed_mid_run
            await clear()
            return partial, mismatched, killed

        started = time.perf_counter()
        partial, mismatched, killed = asyncio.run(go())
        seconds = time.perf_counter() - started
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return Result(what=f"{runs} kill -9 + resume runs of {rows:,} rows", ours=float(partial + mismatched), baseline=float(runs),
                  unit="runs failed (ours) of runs made (baseline)", ratio=None, met=partial == 0 and mismatched == 0 and killed == runs,
                  note=f"{killed} killed mid-run, {partial} with a partial batch, {mismatched} differing from a clean run; "
                       f"{seconds:.0f} s in all", samples_seconds={"ours": [seconds], "baseline": [seconds]})




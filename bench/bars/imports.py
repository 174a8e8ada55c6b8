"""P1: import clients from CSV and XLSX against the raw bulk path; R1: kill -9 and resume.

P1. A file of ``BENCH_IMPORT_ROWS`` clients (default 100,000; the bar is
stated at 1,000,000: ``BENCH_IMPORT_ROWS=1000000 klientela bench run P1``)
with a source key, name, tax id, e-mail, phone and two custom fields (a
choice and a long text, as ``bench data`` defines them), 1% of the rows
invalid and 1% repeating an earlier key (rejected as duplicates). Every
phone and tax id is a different one, written the ways people write them
(``+7 (916) ...``, ``8 916 ...``, ``+79...``, 2% with an extension), so no
cache of repeated values flatters the figure. "Ours" is
the real ``klientela import`` command in a subprocess, into an empty client
table: parsing, validation by the gate's rules, plugins' record checks,
staging, set-based merge, audit rows, search index, checkpoints — with its
validating worker processes (``import_workers``; ``BENCH_IMPORT_WORKERS``
sets it, default one per CPU). Its peak memory is sampled from ``/proc``
every 0.1 s: the RSS of the import process alone, and summed with its
workers (the bar's figure), and their PSS (shared pages counted once). The
baseline inserts the very rows the import produced (copied aside first) into
the same emptied table with the engine's raw bulk path — ``sqlite3.executemany``
or asyncpg's COPY — timing only the insert calls, with the same indexes and
search-index triggers. ``BENCH_IMPORT_FORMATS=csv`` measures one format only.
Bar (quality.md): ≥ 1/2 of the raw rate, ≤ 30 s per million rows,
≤ 300 MB peak RSS (the import and its workers together).

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
import tempfile
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


PHONE_FORMATS = ("+7 ({a}) {b}-{c}-{d}", "8 {a} {b} {c} {d}", "+7{a}{b}{c}{d}", "8({a}){b}-{c}-{d}", "+7 {a} {b}-{c}-{d}")
# Mobile codes whose every number is valid (phonenumbers' metadata: parts of 93x are not).
MOBILE_CODES = [f"9{n:02d}" for n in (*range(0, 30), *range(50, 100))]


def phone(i: int) -> str:
    """A different valid phone for every row, in one of the ways people write them."""
    code, number = MOBILE_CODES[i % len(MOBILE_CODES)], f"{(i // len(MOBILE_CODES)) * 7919 % 10_000_000:07d}"
    text = PHONE_FORMATS[i % len(PHONE_FORMATS)].format(a=code, b=number[:3], c=number[3:5], d=number[5:])
    return text + " доб. 12" if i % 50 == 7 else text  # 2%: an extension, the library's path


def file_rows(n: int):
    from stdnum.ru import inn

    rng = random.Random(1)
    segments = ["a", "b", "c"]
    for i in range(n):
        ref = f"S{i:08d}" if i % 100 != 99 else f"S{rng.randrange(max(i, 1)):08d}"  # 1%: an earlier key again
        email = f"client{i}@example.com" if i % 100 != 42 else "broken@"  # 1%: invalid
        base = f"{770000000 + i % 10_000_000:09d}"
        tax_id = base + inn.calc_company_check_digit(base)  # valid check digit: the contacts plugin checks it
        yield [ref, f"ООО «Клиент {i}»", tax_id, email, phone(i), segments[i % 3], f"г. Москва, ул. Ленина, д. {i % 300}"]


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


def tree_rss_mb(pid: int) -> tuple[float, float, float]:
    """Resident memory (MB) of process ``pid``, of it with all its descendants, and their PSS summed, from /proc."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    parents[int(entry)] = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {pid}, [pid]
    while frontier:
        children = [p for p, parent in parents.items() if parent in frontier and p not in tree]
        tree.update(children)
        frontier = children
    sizes = {p: _kb(f"/proc/{p}/status", "VmRSS:") for p in tree}
    # Proportional set size: pages shared between the processes (the interpreter,
    # libraries) counted once in all, as the machine's memory sees them.
    shared = sum(_kb(f"/proc/{p}/smaps_rollup", "Pss:") for p in tree)
    return sizes.get(pid, 0) / 1024, sum(sizes.values()) / 1024, shared / 1024


def _kb(path: str, label: str) -> int:
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(label):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_command(ctx, *args: str, env: dict | None = None) -> tuple[float, tuple[float, float, float], str]:
    """Seconds, peak memory (MB: RSS of the process, RSS and PSS of it with its workers) and
    stderr of one ``klientela`` command in a subprocess."""
    peaks = (0.0, 0.0, 0.0)
    with tempfile.TemporaryFile("w+", encoding="utf-8") as err:
        started = time.perf_counter()
        proc = subprocess.Popen([ctx.python, "-m", "core.cli", *args], env=env or ctx.env(), stdout=subprocess.DEVNULL,
                                stderr=err, text=True)
        while proc.poll() is None:
            peaks = tuple(max(a, b) for a, b in zip(peaks, tree_rss_mb(proc.pid)))
            time.sleep(0.1)
        seconds = time.perf_counter() - started
        err.seek(0)
        stderr = err.read()
    if proc.returncode != 0:
        raise RuntimeError(f"klientela {args[0]} exited {proc.returncode}: {stderr[-2000:]}")
    return seconds, peaks, stderr


def run_import(ctx, path: Path) -> tuple[float, float, float, float]:
    """Seconds and peak memory (MB: RSS of the import process, RSS and PSS of it with its workers)
    of one ``klientela import`` into the emptied table."""
    asyncio.run(clear())
    env = ctx.env()
    if os.environ.get("BENCH_IMPORT_WORKERS"):
        env["KLIENTELA_IMPORT_WORKERS"] = os.environ["BENCH_IMPORT_WORKERS"]
    seconds, peaks, _err = run_command(ctx, "import", ENTITY, str(path), "--key", "@key",
                                       "--rejects", str(path) + ".rejected.csv", env=env)
    return seconds, *peaks


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

            from core.db.engine import KlientelaConnection  # casefold(): the prefix indexes need it

            con = sqlite3.connect(ctx.database_url[len("sqlite:///"):], timeout=60, factory=KlientelaConnection)
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


@register("P1", "p1-import", "Import clients (CSV/XLSX)", "≥ 1/2 of raw executemany/COPY; ≤ 30 s per 1M rows; ≤ 300 MB peak RSS")
def measure(ctx) -> list[Result]:
    n = rows_wanted()
    asyncio.run(prepare_fields(ctx))
    paths = write_files(ctx.workdir / "p1", n)
    wanted = [f.strip() for f in (os.environ.get("BENCH_IMPORT_FORMATS") or "csv,xlsx").split(",") if f.strip()]
    raw_name = "COPY" if ctx.engine == "postgres" else "executemany"
    workers = os.environ.get("BENCH_IMPORT_WORKERS") or f"{os.cpu_count()} (one per CPU)"
    results = []
    for fmt, path in paths.items():
        if fmt not in wanted:
            continue
        seconds, rss, rss_all, pss_all = run_import(ctx, path)
        done = counts()
        accepted = done["created"] + done["updated"] + done["unchanged"]
        raw = raw_insert(ctx)
        ours_rate, raw_rate = n / seconds, accepted / raw if raw else float("inf")
        per_million = seconds * MILLION / n
        ratio = ours_rate / raw_rate
        met = per_million <= 30 and ratio >= 0.5 and rss_all <= RSS_LIMIT_MB
        results.append(Result(
            what=f"import {n:,} rows from {fmt.upper()} vs raw {raw_name}", ours=ours_rate, baseline=raw_rate, unit="rows/s",
            ratio=ratio, met=met,
            note=(f"ours {seconds:.1f} s ({per_million:.0f} s per 1M), raw insert {raw:.1f} s, ratio {ratio:.2f}; "
                  f"peak RSS {rss_all:.0f} MB with {workers} validating workers ({rss:.0f} MB the import process alone; "
                  f"PSS {pss_all:.0f} MB, shared pages counted once); "
                  f"created {done['created']:,}, rejected {done['rejected']:,} (invalid e-mails, repeated keys)"),
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




"""R9: export -> import round trip of the client base, CSV and XLSX (issue 15's acceptance).

``BENCH_ROUNDTRIP_ROWS`` clients (default 200,000) are first imported from a
generated file — so every record is one the product itself accepted: company
and person, choice fields written as their Russian labels, valid tax ids,
phones, e-mails, sites, addresses with commas, dates, coordinates, the bench's
custom fields (``bench data``'s choice and long text). Then, per format, the
real ``klientela export`` writes every readable field (the command's default)
as the first active administrator sees them, the client table is emptied,
and ``klientela import`` reads the file back with the guessed mapping. The
bar: the same records (every stored value but ids, timestamps and versions,
compared as a multiset), 0 rejected, and the peak RSS of each subprocess
≤ 300 MB. The seconds of export and import are printed beside.

Like P1, this empties the client table: run it on a throw-away bench database.
"""

from __future__ import annotations

import asyncio
import csv
import os
import random
from collections import Counter
from pathlib import Path

from bench.bars.imports import RSS_LIMIT_MB, _sql, clear, prepare_fields, run_command
from bench.runner import Result, register

DEFAULT_ROWS = 200_000
ENTITY = "contacts.client"
HEADER = ["Наименование", "Вид", "Важность", "Стадия отношений", "ИНН", "КПП", "Телефон", "Эл. почта", "Сайт",
          "Юридический адрес", "День рождения / основания", "Широта", "Сегмент", "Адрес"]
LEFT_OUT = ("id", "created_at", "updated_at", "created_by", "updated_by", "version", "search_text")


def rows_wanted() -> int:
    return int(os.environ.get("BENCH_ROUNDTRIP_ROWS") or DEFAULT_ROWS)


def seed_rows(n: int):
    """Valid clients of every kind of value, deterministic."""
    from stdnum.ru import inn

    rng = random.Random(15)
    for i in range(n):
        company = i % 4 != 3
        if company:
            base = f"{770000000 + i % 10_000_000:09d}"
            tax_id, kind, kpp = base + inn.calc_company_check_digit(base), "Компания", f"77{i % 10_000_000:07d}"
        else:
            base = f"{5000000000 + i % 1_000_000_000:010d}"
            tax_id, kind, kpp = base + inn.calc_personal_check_digits(base), "Частное лицо", ""
        yield [f"ООО «Клиент {i}», филиал" if company else f"Иванов Иван {i}", kind,
               ["Высокая (A)", "Средняя (B)", "Низкая (C)", ""][i % 4], ["Потенциальный", "Постоянный", "Разовый"][i % 3],
               tax_id, kpp, f"+7 (9{i % 100:02d}) {i % 1000:03d}-{i % 100:02d}-{(i * 7) % 100:02d}",
               f"client{i}@example.com" if i % 5 else "", f"https://client{i}.example.ru/" if i % 7 == 0 else "",
               f"г. Москва, ул. Ленина, д. {i % 300}; офис {i % 40}", f"{1950 + i % 70}-{1 + i % 12:02d}-{1 + i % 28:02d}",
               f"{rng.uniform(41, 70):.6f}", ["a", "b", "c"][i % 3], f"=Склад {i % 9},\nэтаж {i % 5}" if i % 11 == 0 else ""]


def write_seed(path: Path, n: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        out.writerows(seed_rows(n))
    return path


def measured(ctx, *args: str) -> tuple[float, float, str]:
    """Seconds, peak RSS (MB: the command with its validating workers, summed) and output of one
    ``klientela`` command in a subprocess."""
    seconds, (_own, together, _pss), stderr = run_command(ctx, *args)
    return seconds, together, stderr


async def snapshot() -> Counter:
    """The client records as a multiset of their stored values (ids, times, versions left out)."""
    from hashlib import blake2b

    # A digest per record, read 20,000 at a time: the multiset stays small in the bench process.
    out: Counter = Counter()
    rows = await _sql('SELECT * FROM "contacts_client" ORDER BY "id" LIMIT 20000')
    while rows:
        out.update(blake2b(repr(sorted((k, str(v)) for k, v in dict(r).items() if k not in LEFT_OUT)).encode(),
                           digest_size=16).digest() for r in rows)
        rows = await _sql('SELECT * FROM "contacts_client" WHERE "id" > {} ORDER BY "id" LIMIT 20000', rows[-1]["id"])
    return out


async def last_run() -> dict:
    return dict((await _sql('SELECT "created", "updated", "unchanged", "rejected", "status", "error" '
                            'FROM "core_dataio_run" ORDER BY "created_at" DESC LIMIT 1'))[0])


@register("R9", "r9-round-trip", "Export -> import round trip of clients (CSV/XLSX)",
          "the same records, 0 rejected; ≤ 300 MB peak RSS")
def measure(ctx) -> list[Result]:
    n = rows_wanted()
    folder = ctx.workdir / "r9"
    asyncio.run(prepare_fields(ctx))
    asyncio.run(clear())
    seed = write_seed(folder / "seed.csv", n)
    seeded, _rss, _out = measured(ctx, "import", ENTITY, str(seed), "--rejects", str(seed) + ".rejected.csv")
    seed_run = asyncio.run(last_run())
    results = []
    for fmt in ("csv", "xlsx"):
        before = asyncio.run(snapshot())
        path = folder / f"clients.{fmt}"
        out_s, out_rss, _ = measured(ctx, "export", ENTITY, "--format", fmt, "-o", str(path))
        asyncio.run(clear())
        in_s, in_rss, _ = measured(ctx, "import", ENTITY, str(path), "--rejects", str(path) + ".rejected.csv")
        run = asyncio.run(last_run())
        after = asyncio.run(snapshot())
        same = after == before
        differing = sum(((before - after) + (after - before)).values())
        rss = max(out_rss, in_rss)
        results.append(Result(
            what=f"export -> import of {sum(before.values()):,} clients as {fmt.upper()}", ours=float(run["rejected"] + differing),
            baseline=float(sum(before.values())), unit="rejected + differing records (ours) of records (baseline)", ratio=None,
            met=same and run["rejected"] == 0 and rss <= RSS_LIMIT_MB,
            note=(f"{'the same records' if same else f'{differing:,} records differ'}; created {run['created']:,}, "
                  f"rejected {run['rejected']:,}; export {out_s:.1f} s, peak RSS {out_rss:.0f} MB; import {in_s:.1f} s, "
                  f"peak RSS {in_rss:.0f} MB; seeded {seed_run['created']:,} of {n:,} in {seeded:.1f} s"
                  + (f"; {run['error'][:200]}" if run["error"] else "")),
            samples_seconds={"ours": [out_s + in_s], "baseline": [seeded]},
        ))
    asyncio.run(clear())
    return results

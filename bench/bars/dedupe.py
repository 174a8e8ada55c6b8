"""P4: the duplicate scan over the generated, labelled clients, against recordlinkage.

The clients come from the data generator (``bench.data``): a share of them
are labelled near-duplicates of an earlier client (typos, phone formats,
transliteration between Cyrillic and Latin, a tax id or an e-mail left out),
with the ground truth in ``bench_duplicate``. P2's clients are reused when
the database has them; otherwise ``ctx.clients`` are generated (1M in the
full run: ``klientela bench run P4 --clients 1000000``).

*Ours*: the product's scan, end to end — every client read through the query
gate as the administrator, normalized, matched by the default rules,
clustered and the report stored (``plugins.contacts.dedupe.scan.run_scan``).

*Baseline*: the same rows (read by one plain SQL query) through the
``recordlinkage`` toolkit, the way its documentation deduplicates: its own
cleaning (``preprocessing.clean``, digits of the phone), a union of blocks
on tax id, phone digits and e-mail, exact comparisons and a Jaro-Winkler name
score, and the same decision rule as ours (tax id or phone, or e-mail and a
name score ≥ 0.9), clusters by the same union-find. It has no
transliteration: that is part of what is compared.

Precision and recall are pairwise over clusters (every pair of records in one
found cluster against every pair in one true cluster). One sample per side:
a scan of 1M rows is a minute, not a micro-benchmark.
"""

from __future__ import annotations

import asyncio
import time

from bench.bars.lists import ensure_clients
from bench.runner import Result, register

LIMIT_S = 60.0  # at 1M clients
PRECISION, RECALL = 0.98, 0.95
TABLE = "contacts_client"


async def _truth(engine) -> list[list]:
    from piccolo.querystring import QueryString

    from plugins.contacts.dedupe.matcher import clusters

    rows = await engine.run_querystring(QueryString('SELECT original_id, duplicate_id FROM "bench_duplicate"'))
    ids: dict = {}
    pairs = [(ids.setdefault(str(r["original_id"]), len(ids)), ids.setdefault(str(r["duplicate_id"]), len(ids))) for r in rows]
    names = list(ids)
    return [[names[i] for i in c] for c in clusters(len(names), pairs)]


async def _found(scan_id) -> list[list]:
    from plugins.contacts.dedupe.tables import DedupeMatch

    groups: dict[int, set] = {}
    for m in await DedupeMatch.select(DedupeMatch.cluster, DedupeMatch.record_a, DedupeMatch.record_b).where(
            DedupeMatch.scan_id == scan_id):
        groups.setdefault(m["cluster"], set()).update((str(m["record_a"]), str(m["record_b"])))
    return [sorted(g) for g in groups.values()]


async def _ours(ctx) -> tuple[float, list[list], dict]:
    from bench.context import BENCH_ADMIN
    from core.auth.principals import principal_for_user
    from core.auth.users import user_by_email
    from core.db.bootstrap import bound_kernel
    from plugins.contacts.dedupe.rules import DEFAULT_RULES, parse
    from plugins.contacts.dedupe.scan import get_scan, run_scan

    kernel = bound_kernel(ctx.settings("corp"))
    principal = await principal_for_user((await user_by_email(BENCH_ADMIN[0])).id, via="system")
    started = time.perf_counter()
    scan_id = await run_scan(kernel, principal, parse(DEFAULT_RULES))
    seconds = time.perf_counter() - started
    return seconds, await _found(scan_id), (await get_scan(scan_id, principal))["stats"]


async def _rows(engine) -> list[dict]:
    from piccolo.querystring import QueryString

    sql = f'SELECT id, name, inn, phone, email FROM "{TABLE}" WHERE deleted_at IS NULL'
    return [dict(r) for r in await engine.run_querystring(QueryString(sql))]


def recordlinkage_scan(rows: list[dict]) -> list[list]:
    """Deduplicate ``rows`` with recordlinkage; clusters of ids."""
    import pandas as pd
    import recordlinkage
    from recordlinkage.preprocessing import clean

    from plugins.contacts.dedupe.matcher import clusters

    df = pd.DataFrame(rows, columns=["id", "name", "inn", "phone", "email"])
    df["id"] = df["id"].astype(str)
    df["name"] = clean(df["name"].fillna(""))
    df["phone"] = df["phone"].fillna("").str.replace(r"\D", "", regex=True).str[-10:]  # national number
    df["email"] = df["email"].fillna("").str.strip().str.lower()
    df["inn"] = df["inn"].fillna("").str.replace(r"\D", "", regex=True)
    links = None
    for key in ("inn", "phone", "email"):
        part = df[df[key] != ""]
        indexer = recordlinkage.Index()
        indexer.block(key)
        found = indexer.index(part)
        links = found if links is None else links.union(found)
    compare = recordlinkage.Compare()
    compare.exact("inn", "inn", label="inn")
    compare.exact("phone", "phone", label="phone")
    compare.exact("email", "email", label="email")
    compare.string("name", "name", method="jarowinkler", label="name")
    features = compare.compute(links, df)
    has_inn = df["inn"] != ""
    a, b = features.index.get_level_values(0), features.index.get_level_values(1)
    same_inn = features["inn"].astype(bool) & has_inn.loc[a].values
    phone = features["phone"].astype(bool) & (df["phone"] != "").loc[a].values
    email = features["email"].astype(bool) & (df["email"] != "").loc[a].values & (features["name"] >= 0.9)
    conflict = has_inn.loc[a].values & has_inn.loc[b].values & ~features["inn"].astype(bool)
    chosen = features[(same_inn | phone | email) & ~conflict].index
    pos = {label: n for n, label in enumerate(df.index)}
    pairs = [(pos[x], pos[y]) for x, y in chosen]
    ids = df["id"].tolist()
    return [[ids[i] for i in c] for c in clusters(len(ids), pairs)]


@register("P4", "p4-dedupe", "Duplicate scan, 1M clients", "≤ 60 s; precision ≥ 0.98, recall ≥ 0.95")
def dedupe(ctx):
    from core.db.engine import get_engine
    from plugins.contacts.dedupe.matcher import precision_recall

    async def measure():
        count = await ensure_clients(ctx)
        engine = get_engine(ctx.settings("corp"))
        truth = await _truth(engine)
        seconds, found, stats = await _ours(ctx)
        rows = await _rows(engine)
        return count, truth, seconds, found, stats, rows

    count, truth, seconds, found, stats, rows = asyncio.run(measure())
    started = time.perf_counter()
    theirs = recordlinkage_scan(rows)
    their_seconds = time.perf_counter() - started
    p, r = precision_recall(found, truth)
    tp, tr = precision_recall(theirs, truth)
    scaled = seconds * 1_000_000 / max(count, 1)
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in stats["seconds"].items())
    note = (f"{count:,} clients ({len(truth):,} true clusters) on {ctx.engine}; ours: {phases}; "
            f"{stats['pairs']:,} pairs in {stats['clusters']:,} clusters; recordlinkage: precision {tp:.4f}, "
            f"recall {tr:.4f}")
    return [
        Result(what="scan time, ours vs recordlinkage", ours=seconds, baseline=their_seconds, unit="s",
               ratio=seconds / their_seconds if their_seconds else None,
               met=(seconds <= LIMIT_S) if count >= 1_000_000 else None,
               note=note + ("" if count >= 1_000_000 else f"; the bar is at 1M (linear estimate {scaled:.0f} s)"),
               samples_seconds={"ours": [seconds], "baseline": [their_seconds]}),
        Result(what="precision, ours vs recordlinkage", ours=p, baseline=tp, unit="", ratio=p / tp if tp else None,
               met=p >= PRECISION, note=f"pairwise over clusters; bar ≥ {PRECISION}"),
        Result(what="recall, ours vs recordlinkage", ours=r, baseline=tr, unit="", ratio=r / tr if tr else None,
               met=r >= RECALL, note=f"pairwise over clusters; bar ≥ {RECALL}"),
    ]

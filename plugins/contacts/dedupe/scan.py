"""The scan of the whole client base: read through the gate, match, store the report.

The scan reads clients through the query gate as the user who started it,
so it finds duplicates only among the records that user may read, and only
by the fields they may read (a hidden tax id is no key). The report keeps
record ids and the rule that matched each pair; names are read again through
the gate whenever the report is shown.
"""

from __future__ import annotations

import asyncio
import gc
import json
import time
from datetime import datetime, timezone
from typing import Awaitable, Callable
from uuid import UUID

from core.permissions.errors import NotFound
from core.permissions.gate import Gate, ListRequest
from core.permissions.principal import Principal
from plugins.contacts.dedupe.matcher import KEY_FIELDS, Keyed, find, keys_of
from plugins.contacts.dedupe.rules import RuleSet
from plugins.contacts.dedupe.tables import DedupeMatch, DedupeScan, bind

ENTITY = "contacts.client"
PAGE = 500  # rows per gate list (its MAX_LIMIT), when the report reads records by id
BATCH = 5000  # rows per read of the whole base
STEP = 250  # rows normalized between two turns of the event loop (the next read's)
INSERT_BATCH = 500
Progress = Callable[[int, int | None, str], Awaitable[None]]


async def _nothing(done, total=None, message=""):
    return None


async def read_keys(kernel, principal: Principal, regions: tuple[str, ...], progress: Progress = _nothing) -> list[Keyed]:
    """Every client the principal may read, as normalized keys (only the key fields are read:
    the gate's ``iterate``, in id order; a field hidden from the principal is no key)."""
    gate = await Gate.open(kernel, ENTITY, principal)
    fields = ["name", *[f for names in KEY_FIELDS.values() for f in names if f in gate.fields]]
    out: list[Keyed] = []
    batches = gate.iterate(fields, batch=BATCH)
    # The next batch is read while this one is normalized: the database works in its
    # own thread (SQLite) or server (PostgreSQL), the keys in ours. Yielding every
    # STEP rows lets the read move on; the two used to take turns.
    pending = asyncio.ensure_future(anext(batches, None))
    while (rows := await pending) is not None:
        pending = asyncio.ensure_future(anext(batches, None))
        for start in range(0, len(rows), STEP):
            await asyncio.sleep(0)
            out.extend(keys_of(row, regions) for row in rows[start:start + STEP])
        await progress(len(out), None, "reading clients")
    return out


async def run_scan(kernel, principal: Principal, rules: RuleSet, *, progress: Progress = _nothing,
                   cancelled: Callable[[], bool] = lambda: False, job_id: UUID | None = None) -> UUID:
    """Scan, store the report, return the scan's id. A failure is stored on the scan and raised."""
    bind()
    scan = DedupeScan(user_id=principal.user_id, job_id=job_id, rules=json.dumps(rules.to_json()))
    await scan.save()
    seconds: dict[str, float] = {}
    # A million records make millions of small objects without cycles: the cyclic
    # collector's passes over them cost ~40% of the read at 300k, more beyond.
    collecting = gc.isenabled()
    gc.disable()
    try:
        started = time.perf_counter()
        records = await read_keys(kernel, principal, rules.regions, progress)
        seconds["read"] = time.perf_counter() - started
        started = time.perf_counter()
        await progress(len(records), len(records), "matching")
        result = find(records, rules, cancelled=cancelled)
        seconds["match"] = time.perf_counter() - started
        started = time.perf_counter()
        await store_matches(scan.id, records, result)
        seconds["store"] = time.perf_counter() - started
        stats = {
            "records": len(records), "candidates": result.candidates, "pairs": len(result.pairs),
            "clusters": len(result.clusters), "in_clusters": sum(len(c) for c in result.clusters),
            "skipped_blocks": result.skipped_blocks, "seconds": {k: round(v, 3) for k, v in seconds.items()},
        }
        if collecting:
            gc.enable()
        await DedupeScan.update({DedupeScan.status: "done", DedupeScan.stats: json.dumps(stats),
                                 DedupeScan.finished_at: datetime.now(timezone.utc)}).where(DedupeScan.id == scan.id)
    except BaseException as exc:
        if collecting:
            gc.enable()
        await DedupeScan.update({DedupeScan.status: "failed", DedupeScan.error: f"{type(exc).__name__}: {exc}"[:2000],
                                 DedupeScan.finished_at: datetime.now(timezone.utc)}).where(DedupeScan.id == scan.id)
        raise
    return scan.id


async def store_matches(scan_id: UUID, records: list[Keyed], result) -> None:
    """One multi-row INSERT per batch: building a Piccolo object per row cost ~270 µs a pair
    (15 s for the ~55k pairs of a million clients); plain rows cost a tenth of that."""
    from piccolo.querystring import QueryString

    from core.entities.base import new_id

    cluster_of = {i: n for n, members in enumerate(result.clusters) for i in members}
    rows = [
        (new_id(), scan_id, cluster_of[m.a], records[m.a].id, records[m.b].id, m.rule.text, m.score)
        for m in sorted(result.pairs.values(), key=lambda m: (cluster_of[m.a], m.a, m.b))
    ]
    engine = DedupeMatch._meta.db
    columns = '"id", "scan_id", "cluster", "record_a", "record_b", "rule", "score"'
    for start in range(0, len(rows), INSERT_BATCH):
        chunk = rows[start:start + INSERT_BATCH]
        values = ", ".join("({}, {}, {}, {}, {}, {}, {})" for _ in chunk)
        await engine.run_querystring(QueryString(f'INSERT INTO "contacts_dedupe_match" ({columns}) VALUES {values}',
                                                 *[v for row in chunk for v in row]))


# -- reading a report -----------------------------------------------------------------


async def get_scan(scan_id, principal: Principal) -> dict:
    """A scan its owner started (anyone else: not found, as everywhere)."""
    bind()
    try:
        sid = UUID(str(scan_id))
    except ValueError:
        raise NotFound(str(scan_id)) from None
    row = await DedupeScan.select().where(DedupeScan.id == sid).first()
    if row is None or principal.user_id is None or row["user_id"] != principal.user_id:
        raise NotFound(str(scan_id))
    row["stats"] = json.loads(row["stats"] or "{}")
    row["rules"] = json.loads(row["rules"] or "{}")
    return row


async def list_scans(principal: Principal, limit: int = 20) -> list[dict]:
    if principal.user_id is None:
        return []
    bind()
    rows = await DedupeScan.select().where(DedupeScan.user_id == principal.user_id).order_by(
        DedupeScan.created_at, ascending=False).limit(limit)
    for row in rows:
        row["stats"] = json.loads(row["stats"] or "{}")
    return rows


async def report_page(kernel, principal: Principal, scan_id, page: int = 1, per_page: int = 20) -> dict:
    """Clusters ``page`` of a scan: each with its records (read now, through the gate) and
    the matched pairs with their rule. Records the viewer can no longer read (or that were
    deleted or merged since) are left out, and so is a cluster with fewer than two left."""
    scan = await get_scan(scan_id, principal)
    page = max(1, page)
    first = (page - 1) * per_page
    matches = await DedupeMatch.select().where(
        (DedupeMatch.scan_id == scan["id"]) & (DedupeMatch.cluster >= first) & (DedupeMatch.cluster < first + per_page)
    ).order_by(DedupeMatch.cluster)
    ids = sorted({m["record_a"] for m in matches} | {m["record_b"] for m in matches}, key=str)
    rows = await _readable(kernel, principal, ids)
    clusters: dict[int, dict] = {}
    for m in matches:
        if m["record_a"] not in rows or m["record_b"] not in rows:
            continue
        c = clusters.setdefault(m["cluster"], {"number": m["cluster"] + 1, "records": {}, "pairs": []})
        c["records"][m["record_a"]] = rows[m["record_a"]]
        c["records"][m["record_b"]] = rows[m["record_b"]]
        c["pairs"].append({"a": rows[m["record_a"]], "b": rows[m["record_b"]], "rule": m["rule"], "score": m["score"]})
    total = scan["stats"].get("clusters", 0)
    return {
        "scan": scan,
        "clusters": [dict(c, records=list(c["records"].values())) for c in clusters.values() if len(c["records"]) > 1],
        "page": page, "pages": max(1, -(-total // per_page)), "total": total,
    }


async def _readable(kernel, principal: Principal, ids: list[UUID]) -> dict[UUID, dict]:
    from core.entities.sql import Filter

    if not ids:
        return {}
    gate = await Gate.open(kernel, ENTITY, principal)
    out: dict[UUID, dict] = {}
    for start in range(0, len(ids), PAGE):
        chunk = ids[start:start + PAGE]
        page = await gate.list(ListRequest(filters=[Filter("id", "in", [str(i) for i in chunk])], limit=PAGE))
        out.update({row["id"]: row for row in page.rows})
    return out

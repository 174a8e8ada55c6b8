"""The scan as a background job (``contacts.dedupe_scan``), run as the user who started it."""

from __future__ import annotations

from core.hooks.contributions import Backoff, JobKind
from core.jobs import PermanentJobError
from plugins.contacts.dedupe.rules import RuleError, parse

KIND = "contacts.dedupe_scan"


async def dedupe_scan(ctx, rules: list[str], veto: list[str] = ("tax_id",), max_block: int = 1000,
                      regions: list[str] = ("RU", "US")) -> dict:
    from plugins.contacts.dedupe.scan import get_scan, run_scan

    try:
        ruleset = parse(rules, veto=tuple(veto), max_block=max_block, regions=tuple(regions))
    except RuleError as exc:
        raise PermanentJobError(str(exc)) from None
    scan_id = await run_scan(ctx.kernel, ctx.principal, ruleset, progress=ctx.progress,
                             cancelled=lambda: ctx.cancelled, job_id=ctx.job_id)
    scan = await get_scan(scan_id, ctx.principal)
    return {"scan_id": str(scan_id), **{k: scan["stats"].get(k) for k in ("records", "pairs", "clusters")}}


JOB_KIND = JobKind(KIND, dedupe_scan, max_attempts=2, backoff=Backoff(base=30, cap=300),
                   label={"en": "Duplicate scan", "ru": "Поиск дубликатов"})

"""A deal's stage: its rules before a write, its history and derived fields after one.

Before every write of a deal (``record_checks``, whatever the channel) the
stage must belong to the deal's pipeline and a lost stage needs a reason;
an empty probability, or one left as it was while the stage changes, takes
the stage's default.

After every write (``on_records_written``, in the write's transaction: form,
API, board move, bulk edit, import, an import's undo) each deal whose stage
differs from the last one it logged has *entered* a stage: one
``sales_deal_stage_log`` row (creation included), and the columns derived
from the stage are set — ``status`` (the stage's outcome), ``closed_at``
(now for a won or lost stage, else empty), ``stage_entered_at`` and, unless
the write set it, ``probability``. All of it set-based: an import passes
thousands of deals at once.

The stages read here are the pipelines' shared reference data (every seller
reads them in full); the rows read and written are the deals just written
through the gate, so nothing here shows a user anything they may not read.
"""

from __future__ import annotations

from datetime import datetime, timezone
from uuid import UUID

from piccolo.querystring import QueryString

from core.db.engine import get_engine
from core.i18n import _

DEAL = "sales.deal"
CLOSED = ("won", "lost")
CHUNK = 900  # ids per statement: well under SQLite's bound parameters


async def _sql(sql: str, *params):
    return await get_engine().run_querystring(QueryString(sql, *params))


def _id(value) -> str | None:
    return None if value in (None, "") else str(value)


async def stage_facts(stage_id) -> dict | None:
    """The stage's pipeline, outcome and default probability (None: no such live stage)."""
    if _id(stage_id) is None:
        return None
    rows = await _sql('SELECT "id", "pipeline", "outcome", "probability" FROM "sales_stage" '
                      'WHERE "id" = {} AND "deleted_at" IS NULL', UUID(str(stage_id)))
    return rows[0] if rows else None


def _now_or_then(values: dict, current: dict | None, name: str):
    return values[name] if name in values else (current or {}).get(name)


async def check_deal(entity, values: dict, current: dict | None) -> dict | None:
    """The ``record_checks`` of a deal: the stage's pipeline, the reason lost, the default probability."""
    if entity.key != DEAL:
        return None
    stage_id = _now_or_then(values, current, "stage")
    pipeline_id = _now_or_then(values, current, "pipeline")
    if "stage" not in values and "pipeline" not in values and "lost_reason" not in values and "probability" not in values:
        return None
    stage = await stage_facts(stage_id)
    if stage is None:
        return None  # a missing stage is the reference check's (or the required check's) to report
    errors, replaced = {}, {}
    if pipeline_id is not None and _id(stage["pipeline"]) != _id(pipeline_id):
        errors["stage"] = _("This stage belongs to another pipeline: choose one of the deal's pipeline's stages.")
    if stage["outcome"] == "lost" and not str(_now_or_then(values, current, "lost_reason") or "").strip():
        errors["lost_reason"] = _("Say why the deal was lost: the reason is required at a lost stage.")
    entering = current is None or _id(current.get("stage")) != _id(stage_id)
    if "probability" in values and (values["probability"] is None or (
            entering and current is not None and values["probability"] == current.get("probability"))):
        replaced["probability"] = stage["probability"]
    return {"errors": errors, "values": replaced}


async def deals_written(entity, writes, principal) -> None:
    """The ``on_records_written`` of deals: log each stage entered and derive its columns."""
    if entity.key != DEAL or not writes:
        return
    chosen = {str(w.id): "probability" in w.changed for w in writes}
    ids = list(chosen)
    now = datetime.now(timezone.utc)
    author = getattr(principal, "user_id", None)
    for start in range(0, len(ids), CHUNK):
        await _log_chunk([UUID(i) for i in ids[start:start + CHUNK]], chosen, now, author)


async def _log_chunk(ids: list[UUID], chosen: dict[str, bool], now: datetime, author) -> None:
    marks = ", ".join("{}" for _ in ids)
    rows = await _sql(
        f'SELECT d."id", d."pipeline", d."stage", (SELECT l."stage" FROM "sales_deal_stage_log" l WHERE l."deal" = d."id" '
        f'ORDER BY l."entered_at" DESC, l."id" DESC LIMIT 1) AS "last" FROM "sales_deal" d WHERE d."id" IN ({marks})', *ids)
    entered = [r for r in rows if _id(r["stage"]) is not None and _id(r["stage"]) != _id(r["last"])]
    if not entered:
        return
    from core.entities.base import new_id
    from plugins.sales.tables import DealStageLog

    await DealStageLog.insert(*[DealStageLog(id=new_id(), deal=r["id"], pipeline=r["pipeline"], stage=r["stage"],
                                             from_stage=r["last"], entered_at=now, author=author) for r in entered])
    for keep in (False, True):
        group = [r["id"] for r in entered if chosen.get(str(r["id"])) is keep]
        if not group:
            continue
        outcome = '(SELECT s."outcome" FROM "sales_stage" s WHERE s."id" = "sales_deal"."stage")'
        probability = '' if keep else ', "probability" = COALESCE((SELECT s."probability" FROM "sales_stage" s WHERE s."id" = "sales_deal"."stage"), "probability")'
        marks = ", ".join("{}" for _ in group)
        await _sql(f'UPDATE "sales_deal" SET "status" = COALESCE({outcome}, \'open\'), "stage_entered_at" = {{}}{probability} '
                   f'WHERE "id" IN ({marks})', now, *group)
        # Then from the stored values: a parameter inside CASE would be untyped text on PostgreSQL.
        await _sql(f'UPDATE "sales_deal" SET "closed_at" = CASE WHEN "status" IN (\'won\', \'lost\') THEN "stage_entered_at" '
                   f'ELSE NULL END WHERE "id" IN ({marks})', *group)


async def history(deal_id) -> list[dict]:
    """The stages a deal entered, oldest first, with who moved it (the deal was read through the gate first)."""
    return await _sql(
        'SELECT l."entered_at", l."stage", l."from_stage", l."author", s."name" AS "stage_name", f."name" AS "from_name", '
        'u."name" AS "author_name", u."email" AS "author_email" FROM "sales_deal_stage_log" l '
        'LEFT JOIN "sales_stage" s ON s."id" = l."stage" LEFT JOIN "sales_stage" f ON f."id" = l."from_stage" '
        'LEFT JOIN "core_user" u ON u."id" = l."author" WHERE l."deal" = {} ORDER BY l."entered_at", l."id"', UUID(str(deal_id)))


async def histories(deal_ids) -> list[dict]:
    """The stages entered by these deals (already read through the gate), oldest first."""
    ids = [UUID(str(i)) for i in deal_ids]
    out: list[dict] = []
    for start in range(0, len(ids), CHUNK):
        part = ids[start:start + CHUNK]
        out += await _sql(f'SELECT "deal", "stage", "from_stage", "entered_at", "author" FROM "sales_deal_stage_log" '
                          f'WHERE "deal" IN ({", ".join("{}" for _ in part)}) ORDER BY "entered_at", "id"', *part)
    return out

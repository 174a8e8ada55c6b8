"""What deals add to record pages (the ``record_panels``, ``record_actions`` and ``timeline_entries`` hooks).

* A deal's page: its lines (add, edit, remove) and its stage history — when,
  which stage, from which, who moved it, on the reader's clock.
* A client's card: its open deals (stage, amount, a count), a "New deal"
  action opening the deal form with the client (and the first pipeline and
  its first stage) filled in, and on the timeline each deal opened and
  each stage it entered.

Deals are read through the query gate with the viewer's principal; a
panel or entry is left out when the viewer may read none.
"""

from __future__ import annotations

from urllib.parse import urlencode

from core.entities.spec import label
from core.entities.sql import Filter
from core.hooks.contributions import RecordAction, RecordPanel
from core.permissions.errors import GateError
from core.permissions.gate import Gate, ListRequest

DEAL, CLIENT, STAGE, PIPELINE = "sales.deal", "contacts.client", "sales.stage", "sales.pipeline"
PANEL_DEALS = 20
TIMELINE_DEALS = 200


async def _titles(kernel, principal, key: str, ids) -> dict[str, str]:
    """Titles of rows of ``key`` the principal may read, by id (one query)."""
    ids = sorted({str(i) for i in ids if i})
    if not ids:
        return {}
    try:
        gate = await Gate.open(kernel, key, principal)
        rows = (await gate.list(ListRequest(filters=[Filter("id", "in", ids)], limit=min(len(ids), 500)))).rows
    except GateError:
        return {}
    return {str(r["id"]): str(r.get(gate.entity.title_field) or "—") for r in rows}


async def panels(kernel, entity, record, principal) -> list[RecordPanel]:
    if entity.key == DEAL:
        return await _deal_panels(kernel, record, principal)
    if entity.key == CLIENT:
        return await _client_panels(kernel, record, principal)
    return []


async def _deal_panels(kernel, record, principal) -> list[RecordPanel]:
    from plugins.sales.deals.lines import read_lines
    from plugins.sales.deals.lines_web import FIELDS, panel_context
    from plugins.sales.deals.stage_log import history

    deal, lines = await read_lines(kernel, principal, record["id"])
    context = panel_context(deal, lines, principal.can(f"{DEAL}.write"))
    context["picks"] = {"product": {"id": "", "title": ""}}
    context["fields"] = FIELDS
    out = [RecordPanel("sales-deal-lines", label("Products and services", "Товары и услуги"),
                       "sales/deals/lines_record_panel.html", context, order=5)]
    entries = await history(record["id"])
    if entries:
        stages = await _titles(kernel, principal, STAGE, [e["stage"] for e in entries] + [e["from_stage"] for e in entries])
        rows = [{"at": e["entered_at"], "stage": stages.get(str(e["stage"]), "—"),
                 "from": stages.get(str(e["from_stage"])) if e["from_stage"] else None,
                 "author": e["author_name"] or e["author_email"] or "—"} for e in reversed(entries)]
        out.append(RecordPanel("sales-deal-stages", label("Stage history", "История этапов"),
                               "sales/deals/stages_panel.html", {"rows": rows}, order=30))
    return out


async def _client_panels(kernel, record, principal) -> list[RecordPanel]:
    try:
        gate = await Gate.open(kernel, DEAL, principal)
        filters = [Filter("client", "eq", str(record["id"])), Filter("status", "eq", "open")]
        count = await gate.count(filters)
        rows = (await gate.list(ListRequest(filters=filters, sort=["-created_at"], limit=PANEL_DEALS))).rows if count else []
    except GateError:
        return []
    if not count:
        return []
    stages = await _titles(kernel, principal, STAGE, [r.get("stage") for r in rows])
    deals = [{"id": r["id"], "name": r.get("name") or "—", "stage": stages.get(str(r.get("stage")), "—"),
              "amount": r.get("amount"), "currency": r.get("currency") or "", "expected_close": r.get("expected_close")}
             for r in rows]
    return [RecordPanel("sales-client-deals", label("Open deals", "Открытые сделки"), "sales/deals/client_panel.html",
                        {"deals": deals, "count": count, "client": str(record["id"])}, order=15)]


async def actions(kernel, entity, record, principal) -> list[RecordAction]:
    if entity.key != CLIENT or DEAL not in kernel.entities:
        return []
    query = {"client": str(record["id"])}
    query.update(await first_stage(kernel, principal))
    return [RecordAction("sales-new-deal", {"en": "New deal", "ru": "Новая сделка"}, f"/sales/deal/new?{urlencode(query)}",
                         permission=f"{DEAL}.create", order=40, icon="₽")]


async def first_stage(kernel, principal) -> dict[str, str]:
    """The first pipeline the principal reads and its first stage: a new deal's starting place."""
    try:
        pipelines = await Gate.open(kernel, PIPELINE, principal)
        first = (await pipelines.list(ListRequest(filters=[Filter("active", "eq", "true")], sort=list(pipelines.entity.order),
                                                  limit=1))).rows
        if not first:
            return {}
        stages = await Gate.open(kernel, STAGE, principal)
        stage = (await stages.list(ListRequest(filters=[Filter("pipeline", "eq", str(first[0]["id"]))], sort=["position"],
                                               limit=1))).rows
    except GateError:
        return {}
    out = {"pipeline": str(first[0]["id"])}
    if stage:
        out["stage"] = str(stage[0]["id"])
    return out


async def timeline(kernel, entity, record, principal) -> list[dict]:
    """A client's deals on its timeline: each deal opened and each stage it entered afterwards."""
    if entity.key != CLIENT:
        return []
    from core.i18n import _
    from plugins.sales.deals.stage_log import histories

    try:
        gate = await Gate.open(kernel, DEAL, principal)
        rows = (await gate.list(ListRequest(filters=[Filter("client", "eq", str(record["id"]))], sort=["-created_at"],
                                            limit=TIMELINE_DEALS))).rows
    except GateError:
        return []
    if not rows:
        return []
    logs = await histories([r["id"] for r in rows])
    stages = await _titles(kernel, principal, STAGE, [e["stage"] for e in logs])
    names = {str(r["id"]): r.get("name") or "—" for r in rows}
    out = []
    for e in logs:
        deal = str(e["deal"])
        stage = stages.get(str(e["stage"]), "—")
        if e["from_stage"] is None:
            kind, text = _("Deal opened"), _("{deal} (stage: {stage})").format(deal=names[deal], stage=stage)
        else:
            kind, text = _("Deal stage"), _("{deal}: {stage}").format(deal=names[deal], stage=stage)
        out.append({"at": e["entered_at"], "kind": kind, "text": text, "url": f"/sales/deal/{deal}", "actor_id": e["author"]})
    return out

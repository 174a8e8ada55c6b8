"""Completeness analysis of the client base: which cards lack what, and a score per manager.

The fields that make a good card are configurable (``contacts_quality_field``;
a sensible set until an administrator chooses). The report (behind
``contacts.client.report``) reads the clients through the query gate as the
viewer, within the report scope (and the read scope), so a manager sees their
team's base and a head of sales the department's. A card's score is the share of required fields it has.
"""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from core.auth.tables import User
from core.entities.sql import Filter
from core.permissions.gate import Gate, ListRequest
from core.permissions.request import principal_of
from plugins.contacts.entities import CLIENT
from plugins.contacts.tables import QualityField

DEFAULT_FIELDS = ("inn", "phone", "email", "address_legal", "industry", "region", "importance")
# Fields one may require: what a person types on a card.
CHOOSABLE = tuple(f.name for f in CLIENT.fields if f.name not in ("name", "kind", "team_id", "latitude", "longitude"))
REPORT_CAP = 100_000


async def required_fields() -> list[str]:
    chosen = await QualityField.select(QualityField.field).output(as_list=True)
    return [f for f in CHOOSABLE if f in chosen] if chosen else list(DEFAULT_FIELDS)


async def set_required_fields(names: list[str]) -> list[str]:
    unknown = sorted(set(names) - set(CHOOSABLE))
    if unknown:
        raise ValueError(f"not client fields: {', '.join(unknown)}")
    await QualityField.delete(force=True)
    if names:
        await QualityField.insert(*[QualityField(field=n) for n in dict.fromkeys(names)])
    return await required_fields()


def missing(row: dict, fields: list[str]) -> list[str]:
    return [f for f in fields if row.get(f) in (None, "", [])]


async def analyse(gate: Gate, fields: list[str]) -> dict:
    """Per field: how many cards miss it; per manager: cards, complete cards, average score."""
    fields = [f for f in fields if gate.readable(f)]  # a hidden field cannot be judged by this viewer
    per_field = dict.fromkeys(fields, 0)
    managers: dict[str, dict] = {}
    total = complete = 0
    cursor = None
    while total < REPORT_CAP:
        page = await gate.list(ListRequest(sort=["created_at"], limit=500, cursor=cursor, action="report"))
        for row in page.rows:
            gaps = missing(row, fields)
            total += 1
            complete += not gaps
            for f in gaps:
                per_field[f] += 1
            m = managers.setdefault(str(row.get("owner_id") or ""), {"cards": 0, "complete": 0, "score": 0.0})
            m["cards"] += 1
            m["complete"] += not gaps
            m["score"] += 1 - len(gaps) / len(fields) if fields else 1
        cursor = page.next_cursor
        if not cursor:
            break
    for m in managers.values():
        m["score"] = round(100 * m["score"] / m["cards"], 1)
    return {"fields": fields, "total": total, "complete": complete, "per_field": per_field, "managers": managers,
            "capped": total >= REPORT_CAP}


async def drill(gate: Gate, fields: list[str], field: str | None, owner: str | None, limit: int = 200) -> list[dict]:
    """Cards missing ``field`` (or anything required), optionally of one manager."""
    wanted = [field] if field else fields
    filters = [Filter("owner_id", "eq", owner)] if owner else []
    out, cursor = [], None
    while len(out) < limit:
        page = await gate.list(ListRequest(filters=filters, sort=["created_at"], limit=500, cursor=cursor, action="report"))
        out += [{**r, "gaps": missing(r, fields)} for r in page.rows if missing(r, wanted)]
        cursor = page.next_cursor
        if not cursor:
            break
    return out[:limit]


class QualityScreens(Controller):
    path = "/contacts/quality"

    @get("/", opt={"permission": "contacts.client.report"}, name="contacts:quality")
    async def report(self, request: Request) -> Template:
        principal = principal_of(request)
        gate = await Gate.open(request.app.state.kernel, "contacts.client", principal)
        fields = await required_fields()
        field, owner = request.query_params.get("field") or None, request.query_params.get("owner") or None
        result = await analyse(gate, fields)
        rows = await drill(gate, result["fields"], field, owner) if (field or owner) else []
        names = {str(u["id"]): u["name"] or u["email"] for u in await User.select(User.id, User.name, User.email)}
        labels = {f.name: f.label_for(principal.language) for f in CLIENT.fields}
        return Template("contacts/quality/report.html", context={
            "result": result, "rows": rows, "field": field, "owner": owner, "names": names, "labels": labels,
            "choosable": CHOOSABLE, "can_configure": principal.scope("contacts.client.write") == "all"})

    @post("/fields", opt={"permission": "contacts.client.write"}, name="contacts:quality-fields")
    async def configure(self, request: Request) -> Redirect:
        from litestar.exceptions import NotFoundException

        if principal_of(request).scope("contacts.client.write") != "all":
            raise NotFoundException()  # only who may edit every card decides what a good card is
        form = await request.form()
        await set_required_fields(list(form.getall("fields", [])))
        return Redirect("/contacts/quality/", status_code=303)


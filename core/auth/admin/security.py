"""/admin/security: the security events, newest first, filterable by kind, user and date."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from litestar import Request, get
from litestar.response import Template

from core.auth.admin.common import page
from core.auth.events import KINDS
from core.auth.tables import SecurityEvent, User

BASE = "/admin/security"
PAGE_SIZE = 100


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _when(value: str | None) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    return parsed.replace(tzinfo=parsed.tzinfo or timezone.utc) if parsed else None


@get(BASE, name="core:admin-security", opt={"permission": "core.security.read"}, include_in_schema=False)
async def security_events(request: Request) -> Template:
    params = request.query_params
    kind = params.get("kind") or ""
    user = (params.get("user") or "").strip().lower()
    since, until, before = _day(params.get("from")), _day(params.get("to")), _when(params.get("before"))
    query = SecurityEvent.select().order_by(SecurityEvent.at, ascending=False).limit(PAGE_SIZE + 1)
    if kind in KINDS:
        query = query.where(SecurityEvent.kind == kind)
    if user:
        actors = await User.select(User.id).where(User.email == user)
        condition = SecurityEvent.email == user
        if actors:
            condition = condition | SecurityEvent.actor_id.is_in([a["id"] for a in actors])
        query = query.where(condition)
    if since:
        query = query.where(SecurityEvent.at >= datetime.combine(since, time.min, timezone.utc))
    if until:
        query = query.where(SecurityEvent.at < datetime.combine(until + timedelta(days=1), time.min, timezone.utc))
    if before:
        query = query.where(SecurityEvent.at < before)
    rows = await query.output(load_json=True)
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    actor_ids = {r["actor_id"] for r in rows if r["actor_id"]}
    actors = {a["id"]: a["email"] for a in await User.select(User.id, User.email).where(User.id.is_in(list(actor_ids)))} if actor_ids else {}
    for r in rows:
        r["actor_email"] = actors.get(r["actor_id"], "")
    filters = {"kind": kind, "user": user, "from": params.get("from") or "", "to": params.get("to") or ""}
    older = None
    if more and rows:
        older = {**{k: v for k, v in filters.items() if v}, "before": rows[-1]["at"].isoformat()}
    return page(request, "security", {"events": rows, "kinds": KINDS, "filters": filters, "older": older})


ROUTES = [security_events]

"""Core's own home page widgets, contributed through the ``dashboard_widgets`` hook.

* Unread notifications — the latest five, with a link to all.
* My jobs — queued, running or retrying background jobs I started.
* My records (bars) — per entity, how many records I am responsible for
  (``Gate.count`` with my id as owner: the gate decides what I may count).
* My changes, last 14 days (line) — from the audit trail, my own actions.
* A funnel per entity that declares a ``board_field`` — its column counts
  (``Gate.groups``, core.permissions.grouping), i.e. the pipeline at a glance: a report, shown to who holds
  the entity's ``report`` permission and counted within its scope.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from litestar import Request, get
from litestar.response import Template

from core.dashboard.charts import Chart, Series
from core.hooks import hookimpl
from core.hooks.contributions import DashboardWidget
from core.i18n import _
from core.permissions.errors import NotFound, Refused
from core.permissions.request import principal_of

DAYS = 14


def _lang(request) -> str:
    return getattr(principal_of(request), "language", "") or "en"


async def unread_notifications(request):
    from core.notifications import api

    user = principal_of(request).user_id
    return {"rows": await api.latest(user, unread_only=True, limit=5), "count": await api.unread_count(user)}


async def my_jobs(request):
    from core.jobs.api import list_jobs

    principal = principal_of(request)
    jobs = [j for j in await list_jobs(principal, mine=True, limit=50) if j["status"] in ("queued", "running", "failed")]
    return {"jobs": jobs[:8]}


async def my_records(request):
    from core.entities.sql import Filter
    from core.permissions.gate import Gate

    kernel, principal, lang = request.app.state.kernel, principal_of(request), _lang(request)
    labels, values = [], []
    for entity in kernel.entities.values():
        if not principal.can(entity.permission("read")):
            continue
        try:
            gate = await Gate.open(kernel, entity.key, principal)
            n = await gate.count([Filter(entity.owner_field, "eq", str(principal.user_id))])
        except (NotFound, Refused):
            continue  # e.g. the owner field is hidden from this user
        if n:
            labels.append(entity.plural.get(lang) or entity.plural.get("en"))
            values.append(n)
    return {"chart": Chart("bar", _("Records I am responsible for"), tuple(labels), (Series(_("Records"), tuple(values)),))}


async def my_changes(request):
    from core.i18n.timezones import local_date

    user = principal_of(request).user_id
    # The user's own days (their zone): "today" and each day's bounds are theirs, not UTC's.
    today = local_date(datetime.now(timezone.utc))
    days = [today - timedelta(days=DAYS - 1 - i) for i in range(DAYS)]
    per_day = await changes_per_day(user, days)
    return {"chart": Chart("line", _("Records I changed, last 14 days"), tuple(d.strftime("%d.%m") for d in days),
                           (Series(_("Records"), tuple(per_day.get(d.isoformat(), 0) for d in days)),))}


async def changes_per_day(user_id, days: list) -> dict[str, int]:
    """Distinct records ``user_id`` changed on each of ``days`` (consecutive, on the current
    zone's clock), counted in the database: {"YYYY-MM-DD": n}.

    One save writes an audit row per field, hence DISTINCT. A day is placed by
    its own UTC bounds (a daylight-saving day has 23 or 25 hours), as a CASE
    over the day ends, so both engines bucket alike without time zone
    support in SQLite.
    """
    from piccolo.querystring import QueryString

    from core.db.engine import get_engine
    from core.i18n.timezones import day_bounds

    bounds = [day_bounds(d) for d in days]
    cases = " ".join("WHEN \"at\" < {} THEN '%s'" % d.isoformat() for d in days)
    rows = await get_engine().run_querystring(QueryString(
        f'SELECT d, count(DISTINCT record_id) AS n FROM (SELECT CASE {cases} END AS d, "record_id" AS record_id '
        f'FROM "core_audit_change" WHERE "actor_id" = {{}} AND "at" >= {{}} AND "at" < {{}}) AS per_row GROUP BY d',
        *[end for _start, end in bounds], user_id, bounds[0][0], bounds[-1][1]))
    return {str(r["d"]): int(r["n"]) for r in rows}


def funnel_loader(entity_key: str):
    async def load(request):
        from core.permissions.gate import Gate

        kernel, lang = request.app.state.kernel, _lang(request)
        entity = kernel.entities[entity_key]
        from core.entities.sql import Filter
        from core.kanban.board import declared_columns
        from core.kanban.columns import find_partition, reference_columns

        field = entity.field(entity.board_field)
        try:
            gate = await Gate.open(kernel, entity_key, principal_of(request))
            # A reference board (a deal's stage) shows its first partition (pipeline): its stages, its rows.
            partition = await find_partition(gate, field, None, [], lang) if field.type == "reference" else None
            filters = [Filter(partition.field.name, "eq", partition.value)] if partition else []
            columns = await reference_columns(gate, field, partition, lang) if field.type == "reference" else declared_columns(field, lang)
            # A pipeline total is a report: the report scope bounds it (and read's).
            counts = {None if g.value is None else str(g.value): g.count
                      for g in await gate.groups(entity.board_field, filters=filters, action="report")}
        except (NotFound, Refused):
            return None
        labels = tuple(c.label for c in columns)
        values = tuple(counts.get(c.value, 0) for c in columns)
        title = f"{entity.plural.get(lang) or entity.plural.get('en')}: {field.label_for(lang)}"
        if partition is not None:
            title += " · " + dict(partition.options)[partition.value]
        query = f"?{partition.field.name}={partition.value}" if partition else ""
        return {"chart": Chart("funnel", title, labels, (Series(_("Records"), values),)), "link": f"{entity.url}/board{query}"}

    return load


@hookimpl
def dashboard_widgets(kernel, request):
    widgets = [
        DashboardWidget("core.notifications", {"en": "Unread notifications", "ru": "Непрочитанные уведомления"},
                        "core/dashboard/widgets/notifications.html", unread_notifications, order=5),
        DashboardWidget("core.jobs", {"en": "My jobs", "ru": "Мои задания"}, "core/dashboard/widgets/jobs.html", my_jobs, order=90),
        DashboardWidget("core.my_records", {"en": "My records", "ru": "Мои записи"}, "core/dashboard/chart_widget.html",
                        my_records, order=60),
        DashboardWidget("core.my_changes", {"en": "My activity", "ru": "Моя активность"}, "core/dashboard/chart_widget.html",
                        my_changes, order=70),
    ]
    for entity in kernel.entities.values():
        if entity.board_field:
            widgets.append(DashboardWidget(
                f"core.funnel_{entity.plugin}_{entity.name}", {"en": "Pipeline", "ru": "Воронка"},
                "core/dashboard/chart_widget.html", funnel_loader(entity.key), order=50,
                permission=entity.permission("report"), feature=entity.feature))
    return widgets


@get("/", name="core:home", opt={"authenticated": True})
async def home(request: Request) -> Template:
    """The "my day" page: every visible widget, loaded in order."""
    from core.dashboard.widgets import load_widgets

    return Template(template_name="core/dashboard/home.html",
                    context={"widgets": await load_widgets(request.app.state.kernel, request)})


@hookimpl
def register_routes(kernel):
    from core.dashboard.customize import ROUTES

    return [home, *ROUTES]

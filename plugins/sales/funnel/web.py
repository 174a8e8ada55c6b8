"""The funnel page ``/sales/funnel/``: pipeline, period and manager choosers; the funnel against
its norms; each manager's deviation; the forecast; the reverse funnel and its action.

Behind ``sales.funnel.report`` and the feature (404 where the edition lacks it). What
is counted is the viewer's report scope on deals; the action writes stages through
the gate, so it needs the write permission on stages as well.
"""

from __future__ import annotations

from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from core.entities.ids import as_uuid
from core.entities.sql import Filter
from core.i18n import _, ngettext
from core.permissions.errors import Conflict, NotFound
from core.permissions.gate import Gate, ListRequest
from core.permissions.request import principal_of
from core.web.flash import flash
from plugins.sales.funnel import FEATURE, PERMISSION
from plugins.sales.funnel.charts import funnel_chart
from plugins.sales.funnel.report import funnel_report, period_from
from plugins.sales.funnel.reverse import may_write_stages

PIPELINES = "sales.pipeline"


async def readable_pipelines(kernel, principal) -> list[dict]:
    """The active pipelines the viewer may read, in their order."""
    try:
        gate = await Gate.open(kernel, PIPELINES, principal)
        page = await gate.list(ListRequest(filters=[Filter("active", "eq", True)], limit=100))
    except NotFound:
        return []
    return page.rows


def chosen_pipeline(pipelines: list[dict], wanted: str | None) -> dict | None:
    wanted_id = as_uuid(wanted) if wanted else None
    return next((p for p in pipelines if p["id"] == wanted_id), pipelines[0] if pipelines else None)


class FunnelScreens(Controller):
    path = "/sales/funnel"
    opt = {"feature": FEATURE, "permission": PERMISSION}

    @get("/", name="sales:funnel")
    async def page(self, request: Request) -> Template:
        kernel, principal = request.app.state.kernel, principal_of(request)
        params = request.query_params
        pipelines = await readable_pipelines(kernel, principal)
        pipeline = chosen_pipeline(pipelines, params.get("pipeline"))
        period, errors = period_from(params)
        report = None
        if pipeline is not None:
            try:
                report = await funnel_report(kernel, principal, pipeline["id"], period, params.get("manager") or None)
            except NotFound:
                report = None  # no report scope on deals: the page says there is nothing to count
        query = {"pipeline": str(pipeline["id"]) if pipeline else "", "from": period.first.isoformat(),
                 "to": period.last.isoformat()}
        return Template("sales/funnel/page.html", context={
            "pipelines": pipelines, "pipeline": pipeline, "period": period, "errors": errors, "report": report,
            "chart": funnel_chart(report, _("Funnel")) if report else None,
            "can_apply": bool(report) and not report.manager and await may_write_stages(kernel, principal, report.ladder),
            "query": urlencode(query),
            "typed": {k: params.get(k, "") for k in ("from", "to")},
        }, status_code=400 if errors else 200)

    @post("/probabilities", name="sales:funnel-probabilities", opt={"permission": "sales.stage.write"}, status_code=303)
    async def use_probabilities(self, request: Request) -> Redirect:
        """The reverse funnel of the team over the period becomes the pipeline's default probabilities."""
        from plugins.sales.funnel.reverse import use_as_default_probabilities

        kernel, principal = request.app.state.kernel, principal_of(request)
        form = await request.form()
        pipeline = chosen_pipeline(await readable_pipelines(kernel, principal), form.get("pipeline"))
        if pipeline is None or str(pipeline["id"]) != (form.get("pipeline") or ""):
            raise NotFoundException()
        period, errors = period_from(form)
        back = "/sales/funnel/?" + urlencode({"pipeline": str(pipeline["id"]), "from": period.first.isoformat(),
                                              "to": period.last.isoformat()})
        if errors:
            await flash(request, " ".join(errors.values()), level="error")
            return Redirect(back, status_code=303)
        report = await funnel_report(kernel, principal, pipeline["id"], period)
        if not await may_write_stages(kernel, principal, report.ladder):
            raise NotFoundException()  # as the gate answers a write out of scope
        try:
            changed = await use_as_default_probabilities(kernel, principal, report.ladder, report.reverse)
        except Conflict:
            await flash(request, _("Someone changed the stages meanwhile; nothing was saved. Look at the figures again."),
                        level="error")
            return Redirect(back, status_code=303)
        await flash(request, ngettext("%(num)d stage got its new default probability.",
                                      "%(num)d stages got their new default probabilities.", changed) % {"num": changed}
                    if changed else _("The stages already had these probabilities."))
        return Redirect(back, status_code=303)


def routes() -> list:
    return [FunnelScreens]


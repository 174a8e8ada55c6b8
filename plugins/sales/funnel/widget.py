"""The funnel on the "my day" page: the first pipeline's funnel over the last twelve months,
for everyone the viewer's report scope reaches, with the stages below their norm named."""

from __future__ import annotations

from core.hooks.contributions import DashboardWidget
from core.i18n import _
from core.permissions.errors import NotFound, Refused
from core.permissions.request import principal_of
from plugins.sales.funnel import FEATURE, PERMISSION


async def load(request):
    from plugins.sales.funnel.charts import funnel_chart
    from plugins.sales.funnel.report import default_period, funnel_report
    from plugins.sales.funnel.web import readable_pipelines

    kernel, principal = request.app.state.kernel, principal_of(request)
    pipelines = await readable_pipelines(kernel, principal)
    if not pipelines:
        return None
    pipeline = pipelines[0]
    try:
        report = await funnel_report(kernel, principal, pipeline["id"], default_period())
    except (NotFound, Refused):
        return None
    if not report.ladder.rungs:
        return None
    return {"chart": funnel_chart(report, _("Sales funnel: {pipeline}, last 12 months").format(pipeline=pipeline["name"])),
            "below": [f.rung.name for f in report.team.stages if f.below], "link": "/sales/funnel/"}


def widgets() -> list[DashboardWidget]:
    return [DashboardWidget("sales.funnel", {"en": "Sales funnel", "ru": "Воронка продаж"}, "sales/funnel/widget.html", load,
                            order=45, permission=PERMISSION, feature=FEATURE)]

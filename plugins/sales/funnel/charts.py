"""The funnel as core's server-drawn chart (core.dashboard.charts): the page's and the widget's."""

from __future__ import annotations

from core.dashboard.charts import Chart, Series
from core.i18n import _


def funnel_chart(report, title: str) -> Chart:
    """Deals of the shown funnel (the team's or the chosen manager's) that reached each stage."""
    funnel = report.shown
    labels = tuple(figure.rung.name for figure in funnel.stages)
    values = tuple(figure.reached for figure in funnel.stages)
    return Chart("funnel", title, labels, (Series(_("Deals that reached the stage"), values),),
                 description=_("How many of the deals created in the period reached each stage; the table has the same numbers."))

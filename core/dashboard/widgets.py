"""Collecting and loading the home page's widgets (the ``dashboard_widgets`` hook)."""

from __future__ import annotations

import inspect
import logging
from dataclasses import dataclass
from typing import Any

from core.hooks.contributions import DashboardWidget
from core.permissions.request import principal_of

log = logging.getLogger(__name__)


@dataclass
class Loaded:
    widget: DashboardWidget
    context: dict[str, Any] | None
    failed: bool = False


def all_widgets(kernel) -> tuple[DashboardWidget, ...]:
    """Every widget of this app's home page (features gated), in default order: asked of
    the plugins once per app (``request=None``), since only the enabled plugins and
    features decide it; each widget's ``load`` runs per request."""
    return kernel.once("dashboard_widgets", lambda: tuple(sorted(
        kernel.features.gate(kernel.collect("dashboard_widgets", request=None)), key=lambda w: (w.order, w.key))))


def visible_widgets(kernel, request) -> list[DashboardWidget]:
    granted = principal_of(request).permissions
    return [w for w in all_widgets(kernel) if w.permission is None or w.permission in granted]


async def load_widgets(kernel, request) -> list[Loaded]:
    """Each widget the user shows, in their order (core.dashboard.layout), with its context;
    one that raises is shown as failed, the others still load."""
    from core.dashboard.layout import load_layout

    layout = await load_layout(principal_of(request).user_id)
    out = []
    for widget in layout.shown(visible_widgets(kernel, request)):
        try:
            context = widget.load(request)
            if inspect.isawaitable(context):
                context = await context
        except Exception:  # a broken widget must not take the home page down with it
            log.exception("dashboard widget %s failed", widget.key)
            out.append(Loaded(widget, None, failed=True))
            continue
        if context is not None:
            out.append(Loaded(widget, context))
    return out

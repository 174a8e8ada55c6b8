"""Collecting the global search's results from every ``search_results`` implementation."""

from __future__ import annotations

import inspect
import logging

from core.hooks.contributions import SearchGroup
from core.permissions.request import principal_of

MIN_QUERY = 2
MAX_QUERY = 200
log = logging.getLogger(__name__)


def clean_query(raw: str | None) -> str:
    return " ".join((raw or "").split())[:MAX_QUERY]


async def search_everything(request, query: str) -> list[SearchGroup]:
    """Groups with at least one hit, by ``order`` then label; nothing for a query under 2 characters."""
    query = clean_query(query)
    if len(query) < MIN_QUERY:
        return []
    kernel = request.app.state.kernel
    groups: list[SearchGroup] = []
    for result in kernel.hook.search_results(kernel=kernel, request=request, query=query, principal=principal_of(request)):
        if inspect.isawaitable(result):
            result = await result
        groups.extend(g for g in (result or []) if g.hits)
    return sorted(groups, key=lambda g: (g.order, g.key))

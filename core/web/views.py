"""The view switcher of an entity's pages (list · board · calendar · map): the ``entity_views`` hook.

Nothing here knows which views exist: core's list and board and each
plugin's calendar or map arrive through the hook, gated by feature and
permission like menu items (docs/shell.md, "View switcher").
"""

from __future__ import annotations

from core.hooks.contributions import EntityView
from core.permissions.request import principal_of


def entity_views(kernel, request, entity) -> list[EntityView]:
    """The views of ``entity`` (an Entity or its key) the user may open, in order."""
    if isinstance(entity, str):
        entity = kernel.entities.get(entity)
        if entity is None:
            return []
    views = kernel.features.gate(kernel.collect("entity_views", entity=entity))
    granted = principal_of(request).permissions
    views = [v for v in views if v.permission is None or v.permission in granted]
    seen, out = set(), []
    for view in sorted(views, key=lambda v: (v.order, v.key)):
        if view.key not in seen:  # the first contribution of a key wins
            seen.add(view.key)
            out.append(view)
    return out

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
    granted = principal_of(request).permissions
    seen, out = set(), []
    for view in all_entity_views(kernel, entity):
        if (view.permission is None or view.permission in granted) and view.key not in seen:
            seen.add(view.key)  # the first contribution of a key the user may open wins
            out.append(view)
    return out


def all_entity_views(kernel, entity) -> tuple[EntityView, ...]:
    """Every view of ``entity`` in this app (features gated), in order: asked of the plugins
    once per app and entity, since only the enabled plugins and features decide it."""
    return kernel.once(("entity_views", entity.key), lambda: tuple(sorted(
        kernel.features.gate(kernel.collect("entity_views", entity=entity)), key=lambda v: (v.order, v.key))))

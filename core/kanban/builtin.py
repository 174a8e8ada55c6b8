"""Core's board views, contributed through the public hooks like a plugin's routes."""

from __future__ import annotations

from core.hooks import hookimpl


@hookimpl
def register_routes(kernel):
    from core.kanban.web import board_pages

    return [board_pages(e) for e in kernel.entities.values()]


@hookimpl
def entity_views(kernel, entity):
    # The board is there when the entity has a choice field to group by (core/kanban/web.py).
    if not entity.board_field and not any(f.type == "choice" for f in entity.fields):
        return []
    from core.hooks.contributions import EntityView

    return [EntityView("board", {"en": "Board", "ru": "Доска"}, f"{entity.url}/board", order=10,
                       permission=entity.permission("read"), feature=entity.feature)]

"""Core's board views, contributed through the public hooks like a plugin's routes."""

from __future__ import annotations

from core.hooks import hookimpl


@hookimpl
def register_routes(kernel):
    from core.kanban.web import board_pages

    return [board_pages(e) for e in kernel.entities.values()]

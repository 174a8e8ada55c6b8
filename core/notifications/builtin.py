"""Core's notification routes, contributed through the public hooks like a plugin's."""

from __future__ import annotations

from core.hooks import hookimpl


@hookimpl
def register_routes(kernel):
    from core.notifications.web import ROUTES

    return ROUTES


@hookimpl
def register_cli_commands(kernel):
    from core.notifications.cli import notify_command

    return [notify_command]

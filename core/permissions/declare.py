"""Helpers for plugins declaring their permissions."""

from __future__ import annotations

from core.hooks.contributions import Permission

ENTITY_ACTIONS = ("read", "create", "write", "delete", "restore", "purge", "export", "import", "report", "assign")


def entity_permissions(
    plugin: str, entity: str, feature: str | None = None, actions: tuple[str, ...] = ENTITY_ACTIONS
) -> list[Permission]:
    """The standard action set on one entity: ``<plugin>.<entity>.<action>``."""
    return [Permission(name=f"{plugin}.{entity}.{action}", feature=feature) for action in actions]

"""Helpers for plugins declaring their permissions."""

from __future__ import annotations

from core.hooks.contributions import DefaultGrant, Permission

ENTITY_ACTIONS = ("read", "create", "write", "delete", "restore", "purge", "export", "import", "report", "assign")


def entity_permissions(
    plugin: str, entity: str, feature: str | None = None, actions: tuple[str, ...] = ENTITY_ACTIONS
) -> list[Permission]:
    """The standard action set on one entity: ``<plugin>.<entity>.<action>``."""
    return [Permission(name=f"{plugin}.{entity}.{action}", feature=feature) for action in actions]


def role_grants(role: str, plugin: str, entity: str = "*", **scopes: str) -> list[DefaultGrant]:
    """What a stock role gets on a plugin's entities, one scope per action.

    ``role_grants("sales_manager", "contacts", read="team", write="own")``
    grants ``contacts.*.read`` at team scope and ``contacts.*.write`` at own
    scope; ``entity`` narrows the pattern to one entity. Unknown actions are
    refused here, so a typo never silently grants nothing.
    """
    unknown = sorted(set(scopes) - set(ENTITY_ACTIONS))
    if unknown:
        raise ValueError(f"{role}/{plugin}: unknown action(s) {', '.join(unknown)} (use {', '.join(ENTITY_ACTIONS)})")
    return [DefaultGrant(role, f"{plugin}.{entity}.{action}", scope) for action, scope in scopes.items()]

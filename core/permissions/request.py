"""The principal of the current request (set by the auth middleware)."""

from __future__ import annotations

from core.permissions.principal import ANONYMOUS, Principal


def principal_of(request) -> Principal:
    """The signed-in :class:`Principal` of a request (the anonymous one, without any grant, otherwise)."""
    return getattr(request.state, "principal", None) or ANONYMOUS

"""The principal of the current request (set by the auth middleware)."""

from __future__ import annotations

from core.permissions.principal import ANONYMOUS, Principal


def principal_of(request) -> Principal:
    return getattr(request.state, "principal", None) or ANONYMOUS

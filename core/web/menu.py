"""The main navigation: the ``menu_items`` hook, gated by feature and permission."""

from __future__ import annotations

from core.hooks.contributions import MenuItem
from core.permissions.request import principal_of


def visible_menu(kernel, request) -> list[MenuItem]:
    items = kernel.features.gate(kernel.collect("menu_items", request=request))
    # The auth middleware sets request.state.principal (anonymous: no permissions).
    granted = principal_of(request).permissions
    items = [i for i in items if i.permission is None or i.permission in granted]
    return sorted(items, key=lambda i: (i.order, i.key))

"""The main navigation: the ``menu_items`` hook, gated by feature and permission."""

from __future__ import annotations

from core.hooks.contributions import MenuItem


def visible_menu(kernel, request) -> list[MenuItem]:
    items = kernel.features.gate(kernel.collect("menu_items", request=request))
    # Until a user is attached to the request (the auth layer sets
    # request.state.permissions), nothing is hidden by permission.
    granted = getattr(request.state, "permissions", None)
    if granted is not None:
        items = [i for i in items if i.permission is None or i.permission in granted]
    return sorted(items, key=lambda i: (i.order, i.key))

"""The main navigation: the ``menu_items`` hook, gated by feature and permission, grouped.

An item with ``parent`` set is a sub-item of the item whose ``key`` that is
(a plugin's entry: Contacts → Clients, Contact persons, Calendar…;
Administration → Custom fields, Jobs…). A sub-item whose parent the user
cannot see (the permission or the feature hides it) stands on its own at
the top level rather than disappearing with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.hooks.contributions import MenuItem
from core.permissions.request import principal_of


def all_menu_items(kernel) -> tuple[MenuItem, ...]:
    """Every item of this app's menu (features gated), in menu order: asked of the
    plugins once per app (``request=None``: the full list), since only the enabled
    plugins and features decide it."""
    return kernel.once("menu_items", lambda: tuple(sorted(
        kernel.features.gate(kernel.collect("menu_items", request=None)), key=lambda i: (i.order, i.key))))


def visible_menu(kernel, request) -> list[MenuItem]:
    # The auth middleware sets request.state.principal (anonymous: no permissions).
    granted = principal_of(request).permissions
    return [i for i in all_menu_items(kernel) if i.permission is None or i.permission in granted]


@dataclass(frozen=True)
class MenuGroup:
    """A top-level entry and its sub-items, both in menu order."""

    item: MenuItem
    children: tuple[MenuItem, ...] = ()


def group_menu(items: list[MenuItem]) -> list[MenuGroup]:
    """``items`` (sorted) as groups: sub-items under their parent, orphans at the top level."""
    keys = {i.key for i in items}
    children: dict[str, list[MenuItem]] = {}
    for item in items:
        if item.parent and item.parent in keys and item.parent != item.key:
            children.setdefault(item.parent, []).append(item)
    return [MenuGroup(i, tuple(children.get(i.key, ()))) for i in items
            if not (i.parent and i.parent in keys and i.parent != i.key)]


def current_key(items: list[MenuItem], path: str) -> str:
    """The key of the item the page at ``path`` belongs to: the longest menu URL the path
    lies under (compared with one trailing slash: Litestar may hand "/contacts" for
    "/contacts/"); on a tie a sub-item wins over its group (it names the page better)."""
    here = path.rstrip("/") + "/"
    best, best_len, best_child = "", 0, False
    for item in items:
        base = item.url.split("?", 1)[0].rstrip("/") + "/"
        if not (here == base or (base != "/" and here.startswith(base))):
            continue
        child = item.parent is not None
        if len(base) > best_len or (len(base) == best_len and child and not best_child):
            best, best_len, best_child = item.key, len(base), child
    return best


def menu_for(kernel, request) -> dict:
    """What the layout renders: the groups, and the key of the current item."""
    items = visible_menu(kernel, request)
    return {"groups": group_menu(items), "current": current_key(items, request.url.path)}

"""Record checks of the catalogue (the ``record_checks`` hook), on every channel alike.

* a price type: only a selling one can be the default for deals, and only
  one is (``pricing.default_price_type`` must not have to guess);
* a category: never its own ancestor (the tree must stay a tree).

Each reads what it compares with through the query gate of the writer.
"""

from __future__ import annotations

from core.entities.sql import Filter
from core.i18n import _
from core.permissions.errors import NotFound
from core.permissions.gate import Gate, ListRequest


async def check(kernel, entity, values: dict, current: dict | None, principal) -> dict | None:
    if entity.key == "sales.price_type":
        return await _one_default(kernel, values, current, principal)
    if entity.key == "sales.category":
        return await _no_cycle(kernel, values, current, principal)
    return None


def _merged(values: dict, current: dict | None, name: str):
    return values[name] if name in values else (current or {}).get(name)


async def _others(kernel, key: str, principal, filters: list[Filter], current: dict | None) -> list[dict]:
    if current is not None:
        filters = [*filters, Filter("id", "ne", str(current["id"]))]
    try:
        gate = await Gate.open(kernel, key, principal)
        return (await gate.list(ListRequest(filters=filters, limit=2))).rows
    except NotFound:
        return []


async def _one_default(kernel, values, current, principal) -> dict | None:
    if not _merged(values, current, "is_default"):
        return None
    if _merged(values, current, "purpose") != "sale":
        return {"errors": {"is_default": _("Only a selling price type can be the default for deals.")}}
    # By name too: an import checks a row before it knows which record the row updates, and
    # price types are matched by name (catalog/wiring.py), so re-importing the default one is no second.
    name = _merged(values, current, "name")
    others = [t for t in await _others(kernel, "sales.price_type", principal, [Filter("is_default", "eq", "true")], current)
              if t.get("name") != name]
    if others:
        return {"errors": {"is_default": _("“{name}” is already the default price type: clear it there first.").format(
            name=others[0].get("name", ""))}}
    return None


async def _no_cycle(kernel, values, current, principal) -> dict | None:
    parent = values.get("parent")
    if parent is None or current is None:
        return None  # a new category has no descendants yet
    from plugins.sales.catalog.tree import ancestors

    if current["id"] == parent or current["id"] in await ancestors(kernel, principal, parent):
        return {"errors": {"parent": _("A category cannot be placed inside itself or one of its subcategories.")}}
    return None

"""Properties per category: custom fields of products that apply to one category and its subcategories.

An administrator adds a custom field to products as to any entity
(Administration → Custom fields, ``sales.product``: "Screen size", "RAM,
GB"), then attaches it to a category on that category's page ("Laptops").
From then on the field

* shows on the page and the forms of products in "Laptops" or any category
  below it, and on no other product's (``inapplicable_fields``);
* takes a value only on those products, whatever the channel — form, API,
  import (``record_checks``): elsewhere a value is refused, saying which
  categories it belongs to. A value already stored stays when a product moves
  to another category (hidden, as a retired field's value is) and shows again
  if it comes back.

A custom field attached to no category is an ordinary one: every product
has it. Its type, choices, limits and "required" are the custom field's own
(docs/custom-fields.md); "required" applies to every product, so leave a
property optional.

The links are rows of ``sales_category_property``, read whole (a catalogue
has few), with the category tree, through the query gate.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from core.i18n import _
from plugins.sales.catalog.tables import CategoryProperty
from plugins.sales.catalog.tree import Tree, load_tree

PRODUCT = "sales.product"
EMPTY = (None, "", [], False)


@dataclass
class Properties:
    tree: Tree
    links: dict[str, set[UUID]]  # field name -> the categories it is attached to (readable ones)

    def applies(self, name: str, category: UUID | None) -> bool:
        """Does property ``name`` apply to a product in ``category``? A field no category names always does."""
        if name not in self.links:
            return True
        if category is None:
            return False
        return bool(self.links[name] & {category, *self.tree.ancestors(category)})

    def owners(self, name: str) -> str:
        """The categories a property is attached to, as people read them ("Computers / Laptops")."""
        return ", ".join(sorted(self.tree.path(c) for c in self.links.get(name, ()) if c in self.tree.nodes))


async def load(kernel, principal) -> Properties:
    tree = await load_tree(kernel, principal)
    links: dict[str, set[UUID]] = {}
    rows = await CategoryProperty.select(CategoryProperty.field, CategoryProperty.category)
    for row in rows:
        category = UUID(str(row["category"]))
        # A link to a category the reader cannot see still keeps the field off other products.
        links.setdefault(row["field"], set()).add(category)
    return Properties(tree, links)


def _category(values: dict, current: dict | None) -> UUID | None:
    value = values["category"] if "category" in values else (current or {}).get("category")
    return UUID(str(value)) if value else None


async def inapplicable(kernel, entity, values: dict, principal) -> list[str]:
    if entity.key != PRODUCT:
        return []
    found = await load(kernel, principal)
    if not found.links:
        return []
    category = _category(values, None)
    return [name for name in found.links if not found.applies(name, category)]


async def check_product(kernel, values: dict, current: dict | None, principal) -> dict | None:
    """Refuse a value of a property on a product outside its categories (an unchanged value passes:
    a client that sends back the whole record it read must not be refused for it)."""
    found = await load(kernel, principal)
    if not found.links:
        return None
    category = _category(values, current)
    errors = {}
    for name in found.links:
        if name not in values or values[name] in EMPTY or (current and current.get(name) == values[name]):
            continue
        if not found.applies(name, category):
            errors[name] = _("This property belongs to the products of: {categories}.").format(
                categories=found.owners(name) or _("another category"))
    return {"errors": errors} if errors else None


async def product_fields(kernel) -> list:
    """The custom fields of products, each a property candidate."""
    from core.custom_fields.definitions import list_fields

    return await list_fields(PRODUCT)


async def category_panel(kernel, entity, record: dict, principal) -> list:
    """The "Properties of its products" panel of a category's page: attached here, inherited from above."""
    from core.hooks.contributions import RecordPanel
    from core.entities.spec import label

    if entity.key != "sales.category":
        return []
    found = await load(kernel, principal)
    fields = {f.name: f for f in await product_fields(kernel)}
    here = record["id"]
    own = sorted(n for n, cats in found.links.items() if here in cats and n in fields)
    above = found.tree.ancestors(here)
    inherited = sorted((n, found.tree.path(c)) for n, cats in found.links.items() if n in fields
                       for c in cats if c in above)
    can_edit = principal.can("sales.category.write")
    if not (own or inherited or (can_edit and fields)):
        return []
    return [RecordPanel("sales-properties", label("Properties of its products", "Свойства товаров категории"),
                        "sales/catalog/properties_panel.html", {
                            "own": [fields[n] for n in own], "inherited": [(fields[n], path) for n, path in inherited],
                            "addable": [f for n, f in fields.items() if n not in own] if can_edit else [],
                            "can_edit": can_edit, "category": record}, order=20)]


async def attach(kernel, principal, category_id: str, name: str) -> None:
    """Attach product field ``name`` to the category (one the principal may write); KeyError for an unknown field."""
    from core.permissions.gate import Gate

    gate = await Gate.open(kernel, "sales.category", principal)
    category = await gate.get(category_id, action="write")  # NotFound outside the writer's scope
    if name not in {f.name for f in await product_fields(kernel)}:
        raise KeyError(name)
    exists = await CategoryProperty.exists().where(
        (CategoryProperty.category == category["id"]) & (CategoryProperty.field == name))
    if not exists:
        await CategoryProperty.insert(CategoryProperty(category=category["id"], field=name, created_by=principal.user_id))


async def detach(kernel, principal, category_id: str, name: str) -> None:
    from core.permissions.gate import Gate

    gate = await Gate.open(kernel, "sales.category", principal)
    category = await gate.get(category_id, action="write")
    await CategoryProperty.delete().where((CategoryProperty.category == category["id"]) & (CategoryProperty.field == name))

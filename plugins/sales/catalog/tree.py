"""The product category tree, read whole through the query gate.

Catalogues hold tens to a few thousand categories: one read of them all
(id, name, parent, order) answers every question about the tree — the
indented list, a category's subcategories for a filter, its ancestors for
the properties that apply — without a query per level.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from core.permissions.errors import NotFound
from core.permissions.gate import Gate

CATEGORY = "sales.category"


@dataclass
class Tree:
    nodes: dict[UUID, dict] = field(default_factory=dict)
    children: dict[UUID | None, list[UUID]] = field(default_factory=dict)

    def descendants(self, root: UUID) -> list[UUID]:
        """``root`` and every category below it (a filter "in this category" means all of them)."""
        out, todo = [], [root]
        while todo:
            node = todo.pop()
            if node in out:
                continue  # a cycle written past the checks must not hang a page
            out.append(node)
            todo += self.children.get(node, [])
        return out

    def ancestors(self, node: UUID | None) -> list[UUID]:
        """The parents of ``node`` up to the root, nearest first (``node`` itself not included)."""
        out: list[UUID] = []
        parent = self.nodes.get(node, {}).get("parent") if node is not None else None
        while parent is not None and parent not in out and parent in self.nodes:
            out.append(parent)
            parent = self.nodes[parent].get("parent")
        return out

    def path(self, node: UUID) -> str:
        """"Computers / Laptops": the names from the root down."""
        names = [self.nodes[n]["name"] for n in reversed(self.ancestors(node))]
        return " / ".join([*names, self.nodes[node]["name"]]) if node in self.nodes else ""

    def ordered(self) -> list[tuple[dict, int]]:
        """Every category with its depth, each followed by its subcategories (the indented list)."""
        out: list[tuple[dict, int]] = []
        seen: set[UUID] = set()

        def walk(parent: UUID | None, depth: int) -> None:
            for node in self.children.get(parent, []):
                if node not in seen:
                    seen.add(node)
                    out.append((self.nodes[node], depth))
                    walk(node, depth + 1)

        walk(None, 0)
        # A category whose parent the reader cannot see (or a broken link) still shows, at the top.
        for node, row in self.nodes.items():
            if node not in seen:
                seen.add(node)
                out.append((row, 0))
                walk(node, 1)
        return out


async def load_tree(kernel, principal) -> Tree:
    """Every live category the principal may read; an empty tree without access."""
    tree = Tree()
    try:
        gate = await Gate.open(kernel, CATEGORY, principal)
        async for rows in gate.iterate(["name", "parent", "position", "code"]):
            for row in rows:
                tree.nodes[row["id"]] = row
    except NotFound:
        return tree
    for node in sorted(tree.nodes.values(), key=lambda r: (r.get("position") or 0, (r.get("name") or "").casefold())):
        parent = node.get("parent") if node.get("parent") in tree.nodes else None
        tree.children.setdefault(parent, []).append(node["id"])
    return tree


async def ancestors(kernel, principal, node: UUID) -> list[UUID]:
    return (await load_tree(kernel, principal)).ancestors(node)


async def descendants(kernel, principal, node: UUID) -> list[UUID]:
    return (await load_tree(kernel, principal)).descendants(node)

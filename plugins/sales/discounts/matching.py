"""Whether a rule's conditions hold for one line of one client's document.

Client conditions (classification, importance, a field's value, the
segment's filter) are checked by the client gate itself, as a filter of the
client list plus the client's id: the same filter language, custom fields
and permissions as the list page, with nothing re-implemented here. A
condition the user may not filter on (a hidden field) does not hold.

A category condition holds for a product of that category or of any of its
subcategories: the product's category and its ancestors are read once per
document through the gate.
"""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from core.entities.query_params import QueryPairs, list_request
from core.entities.sql import Filter
from core.permissions.errors import GateError
from core.permissions.gate import ListRequest
from plugins.contacts.reading import all_rows, open_gate
from plugins.sales.discounts.rules import Rule

MAX_DEPTH = 50  # a category tree deeper than this is a cycle somebody typed, not a catalogue


class MatchContext:
    def __init__(self, kernel, principal, client_id, ancestors: dict[UUID, frozenset[UUID]]):
        self.kernel = kernel
        self.principal = principal
        self.client_id = client_id
        self.ancestors = ancestors  # product id -> its category and every category above it
        self._clients: dict[tuple, bool] = {}

    @classmethod
    async def build(cls, kernel, principal, client: dict, product_ids: list[UUID]) -> "MatchContext":
        return cls(kernel, principal, (client or {}).get("id"), await category_paths(kernel, principal, product_ids))

    async def applies(self, rule: Rule, product_id: UUID, quantity: Decimal, gross: Decimal, document: Decimal) -> bool:
        if rule.product is not None and rule.product != product_id:
            return False
        if rule.category is not None and rule.category not in self.ancestors.get(product_id, ()):
            return False
        if rule.min_quantity is not None and quantity < rule.min_quantity:
            return False
        if rule.min_line_amount is not None and gross < rule.min_line_amount:
            return False
        if rule.min_document_amount is not None and document < rule.min_document_amount:
            return False
        return await self.client_matches(rule.client_filters())

    async def client_matches(self, pairs: list[tuple[str, str]]) -> bool:
        if not pairs:
            return True
        key = tuple(pairs)
        if key not in self._clients:
            self._clients[key] = await self._ask_client_gate(pairs)
        return self._clients[key]

    async def _ask_client_gate(self, pairs) -> bool:
        if self.client_id is None:
            return False
        gate = await open_gate(self.kernel, "contacts.client", self.principal)
        if gate is None:
            return False
        try:
            segment = list_request(QueryPairs(pairs))
            page = await gate.list(ListRequest(filters=[*segment.filters, Filter("id", "eq", str(self.client_id))],
                                               search=segment.search, limit=1, fields=["id"]))
        except GateError:
            return False  # a filter on a field this user may not read, or one no longer there
        return bool(page.rows)


async def category_paths(kernel, principal, product_ids: list[UUID]) -> dict[UUID, frozenset[UUID]]:
    """Each product's category with all its ancestors, read through the gate."""
    ids = list(dict.fromkeys(str(p) for p in product_ids if p))
    if not ids:
        return {}
    products = await all_rows(kernel, "sales.product", principal, filters=[Filter("id", "in", ids)])
    parent: dict[UUID, UUID | None] = {}
    wanted = {p["category"] for p in products if p.get("category")}
    for _ in range(MAX_DEPTH):
        wanted -= set(parent)
        if not wanted:
            break
        rows = await all_rows(kernel, "sales.category", principal, filters=[Filter("id", "in", [str(c) for c in wanted])])
        for row in rows:
            parent[row["id"]] = row.get("parent")
        parent.update({c: None for c in wanted if c not in parent})  # unreadable: the path stops there
        wanted = {p for p in parent.values() if p}
    out = {}
    for product in products:
        path, node = [], product.get("category")
        while node and node not in path and len(path) < MAX_DEPTH:
            path.append(node)
            node = parent.get(node)
        out[product["id"]] = frozenset(path)
    return out

"""The discount rules in force on a date, read through the query gate as the user.

A rule applies to the user's documents only if the user may read it and
every field the engine decides with (see ``DECIDING``): a condition hidden
from them by a field rule would otherwise read as empty and widen the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from core.entities.sql import Filter

KEY = "sales.discount_rule"
DECIDING = ("active", "percent", "priority", "valid_from", "valid_to", "client_type", "importance", "client_filter",
            "client_field", "client_field_value", "product", "category", "min_quantity", "min_line_amount",
            "min_document_amount")


def _number(value, places: str) -> Decimal | None:
    # SQLite keeps numeric columns as REAL: back to the column's exact places.
    return None if value is None else Decimal(str(value)).quantize(Decimal(places), ROUND_HALF_UP)


@dataclass(frozen=True)
class Rule:
    id: UUID
    name: str
    name_readable: bool
    percent: Decimal
    priority: int
    valid_from: date | None
    valid_to: date | None
    client_type: str | None
    importance: str | None
    client_filter: str | None
    client_field: str | None
    client_field_value: str | None
    product: UUID | None
    category: UUID | None
    min_quantity: Decimal | None
    min_line_amount: Decimal | None
    min_document_amount: Decimal | None

    @classmethod
    def from_row(cls, row: dict) -> "Rule":
        return cls(
            id=row["id"], name=row.get("name") or "", name_readable="name" in row,
            percent=_number(row["percent"], "0.01") or Decimal("0.00"), priority=int(row.get("priority") or 0),
            valid_from=row.get("valid_from"), valid_to=row.get("valid_to"),
            client_type=row.get("client_type"), importance=row.get("importance"),
            client_filter=row.get("client_filter"), client_field=row.get("client_field"),
            client_field_value=row.get("client_field_value"), product=row.get("product"), category=row.get("category"),
            min_quantity=_number(row.get("min_quantity"), "0.001"),
            min_line_amount=_number(row.get("min_line_amount"), "0.01"),
            min_document_amount=_number(row.get("min_document_amount"), "0.01"),
        )

    @property
    def label(self) -> dict | None:
        """The name a line shows, or None for a user who may not read it."""
        return {"en": self.name, "ru": self.name} if self.name_readable else None

    def in_force(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)

    def client_filters(self) -> list[tuple[str, str]]:
        """The client conditions as client-list filters (``field__op``, value), the segment's included."""
        from urllib.parse import parse_qsl

        pairs = [("client_type", self.client_type), ("importance", self.importance)]
        if self.client_field:
            pairs.append((self.client_field, self.client_field_value or ""))
        pairs = [(k, v) for k, v in pairs if v]
        if self.client_filter:
            pairs += parse_qsl(self.client_filter.strip().lstrip("?"), max_num_fields=100)
        return pairs


async def active_rules(kernel, principal, on: date) -> list[Rule]:
    """The active rules in force on ``on`` that ``principal`` may read in full."""
    from core.permissions.gate import Gate
    from plugins.contacts.reading import all_rows, open_gate

    gate: Gate | None = await open_gate(kernel, KEY, principal)
    if gate is None or not all(gate.readable(name) for name in DECIDING):
        return []
    # Sorted on a deciding field: the default sort (by name) is refused to a user the name is hidden from.
    rows = await all_rows(kernel, KEY, principal, filters=[Filter("active", "eq", True)], sort=["-priority"], cap=5000)
    return [rule for rule in map(Rule.from_row, rows) if rule.in_force(on) and rule.percent > 0]

"""Addresses for envelopes and labels, read through the query gate.

An address is the record's title (the addressee) and one address field the
user picks. The fields offered are those the entity names in
``extra["address_fields"]``, else its readable text fields whose name says
"address"; any readable text field may be asked for. A field the user may
not read is refused like a filter on it would be.
"""

from __future__ import annotations

from core.entities.sql import Filter
from core.i18n import _
from core.permissions.errors import Refused
from core.permissions.gate import Gate, ListRequest

MAX_ADDRESSES = 5000
TEXT_TYPES = ("text", "long_text")


def address_fields(gate: Gate) -> list:
    named = gate.entity.extra.get("address_fields") or [f.name for f in gate.fields.values() if "address" in f.name]
    return [gate.fields[n] for n in named if n in gate.fields and gate.readable(n) and gate.fields[n].type in TEXT_TYPES]


def pick_field(gate: Gate, name: str | None):
    if not name:
        offered = address_fields(gate)
        if not offered:
            raise Refused({"field": _("choose the field that holds the address")})
        return offered[0]
    if name not in gate.fields or gate.fields[name].type not in TEXT_TYPES:
        raise Refused({"field": _("{name!r} is not a text field of this list").format(name=name)})
    if not gate.readable(name):
        raise Refused({"field": _("you may not read this field")})
    return gate.fields[name]


def address_of(gate: Gate, row: dict, field) -> list[str]:
    title = row.get(gate.entity.title_field) if gate.readable(gate.entity.title_field) else ""
    value = row.get(field.name) or ""
    return [str(title or ""), *[line.strip() for line in str(value).splitlines() if line.strip()]]


async def record_address(gate: Gate, record_id, field_name: str | None) -> list[str]:
    row = await gate.get(record_id)
    return address_of(gate, row, pick_field(gate, field_name))


async def list_addresses(gate: Gate, request: ListRequest, field_name: str | None, ids: list[str] = ()) -> list[list[str]]:
    """Addresses of the records a list shows (its filters, search and sort), or of the ``ids`` chosen.
    Records without an address are left out; at most MAX_ADDRESSES."""
    field = pick_field(gate, field_name)
    if ids:
        request.filters = [*request.filters, Filter("id", "in", list(ids))]
    out: list[list[str]] = []
    request.limit = 500
    while len(out) < MAX_ADDRESSES:
        page = await gate.list(request)
        out += [a for a in (address_of(gate, r, field) for r in page.rows) if len(a) > 1]
        if not page.next_cursor:
            break
        request.cursor = page.next_cursor
    return out[:MAX_ADDRESSES]

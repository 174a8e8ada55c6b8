"""A discount rule told in words, for its record page (the ``record_panels`` hook).

The form keeps the client field and the segment as the client list filters
on them (a field's name, a choice's value, ``region__contains=Kazan``); a
person reads "Region contains “Kazan”", "Importance is High (A)". Labels
come from the client gate of the reader, so a field they may not read is
named by nothing more than "a field hidden from you".
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from core.entities.query_params import QueryPairs, list_request
from core.hooks.contributions import RecordPanel
from core.i18n import _
from core.i18n.formatting import format_date, format_number
from core.permissions.errors import GateError

KEY = "sales.discount_rule"


def operator_words() -> dict[str, str]:
    return {"eq": _("is"), "ne": _("is not"), "lt": _("is less than"), "lte": _("is at most"), "gt": _("is more than"),
            "gte": _("is at least"), "contains": _("contains"), "startswith": _("starts with"), "in": _("is one of")}


def condition_words(gate, name: str, op: str, value) -> str:
    """One client condition as a person says it: "Importance is High (A)"."""
    field = gate.fields.get(name) if gate is not None and gate.readable(name) else None
    if field is None:
        return _("a client field hidden from you")
    lang = gate.principal.language
    if op == "isnull":
        empty = str(value).lower() in ("1", "true", "yes")
        return _("{field} is empty").format(field=field.label_for(lang)) if empty else \
            _("{field} is filled in").format(field=field.label_for(lang))
    values = str(value).split(",") if op == "in" else [str(value)]
    shown = ", ".join(f"“{field.choice_label(v, lang)}”" for v in values)
    return f"{field.label_for(lang)} {operator_words().get(op, op)} {shown}"


def client_conditions(gate, rule: dict) -> list[str]:
    pairs = [(name, rule.get(name)) for name in ("client_type", "importance") if rule.get(name)]
    if rule.get("client_field") and rule.get("client_field_value"):
        pairs.append((rule["client_field"], rule["client_field_value"]))
    out = []
    try:
        segment = list_request(QueryPairs(parse_qsl(rule.get("client_filter") or "", max_num_fields=100)))
    except (GateError, ValueError):
        segment = None  # stored before a check refused it: say nothing rather than fail the page
    for name, value in pairs:
        out.append(condition_words(gate, name, "eq", value))
    if segment is not None:
        out += [condition_words(gate, f.field, f.op, f.value) for f in segment.filters]
        if segment.search:
            out.append(_("found by the search “{text}”").format(text=segment.search))
    return out


async def reference_name(kernel, principal, key: str, record_id) -> str:
    from core.permissions.gate import Gate

    try:
        row = await (await Gate.open(kernel, key, principal)).get(record_id)
    except GateError:
        return _("a record hidden from you")
    return row.get("name") or ""


async def rule_in_words(kernel, principal, rule: dict) -> list[str]:
    from core.permissions.gate import Gate

    lang = principal.language
    lines = [_("{percent} % off each line it applies to.").format(percent=format_number(rule.get("percent") or 0, lang))]
    start, end = rule.get("valid_from"), rule.get("valid_to")
    if start and end:
        lines.append(_("From {start} to {end} inclusive.").format(start=format_date(start, locale=lang), end=format_date(end, locale=lang)))
    elif start:
        lines.append(_("From {start} on.").format(start=format_date(start, locale=lang)))
    elif end:
        lines.append(_("Until {end} inclusive.").format(end=format_date(end, locale=lang)))
    try:
        clients = await Gate.open(kernel, "contacts.client", principal)
    except GateError:
        clients = None
    said = client_conditions(clients, rule)
    lines.append(_("Clients: {conditions}.").format(conditions="; ".join(said)) if said else _("Any client."))
    if rule.get("product"):
        lines.append(_("Only the product “{name}”.").format(name=await reference_name(kernel, principal, "sales.product", rule["product"])))
    if rule.get("category"):
        lines.append(_("Products of the category “{name}” and its subcategories.").format(
            name=await reference_name(kernel, principal, "sales.category", rule["category"])))
    for name, words in (("min_quantity", _("Quantity in the line at least {n}.")),
                        ("min_line_amount", _("Line amount at least {n}.")),
                        ("min_document_amount", _("Document amount at least {n} (all lines together)."))):
        if rule.get(name) is not None:
            lines.append(words.format(n=format_number(rule[name], lang)))
    if not rule.get("active", True):
        lines.append(_("Switched off: it applies to nothing."))
    return lines


async def panels(kernel, entity, record, principal) -> list[RecordPanel]:
    if entity.key != KEY:
        return []
    words = await rule_in_words(kernel, principal, record)
    return [RecordPanel("sales-discount-words", {"en": "The rule in words", "ru": "Правило словами"},
                        "sales/discounts/words.html", {"lines": words}, order=5)]

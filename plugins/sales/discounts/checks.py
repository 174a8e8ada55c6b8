"""Checks of a discount rule before the gate writes it (the ``record_checks`` hook).

A rule that cannot be judged is refused with a reason, never stored to
surprise someone later: a period that ends before it starts, a client field
that does not exist or a value it cannot hold, a segment filter the client
list would refuse, more places than the columns keep.

People type what they read: the client field by its label ("Tier" or
"Уровень") or its name, a choice value by its label ("Gold"); both are
stored as the field's name and the choice's value, which is what the
client list filters on.
"""

from __future__ import annotations

from decimal import Decimal

from core.i18n import _

KEY = "sales.discount_rule"
PLACES = {"percent": 2, "min_quantity": 3}


async def check_rule(kernel, entity, values: dict, current: dict | None, principal) -> dict | None:
    if entity.key != KEY:
        return None
    merged = {**(current or {}), **values}
    errors: dict[str, str] = {}
    replaced: dict[str, object] = {}
    for name, places in PLACES.items():
        value = values.get(name)
        if isinstance(value, Decimal) and value.as_tuple().exponent < -places:
            errors[name] = _("Enter at most {n} decimal places.").format(n=places)
    if merged.get("valid_from") and merged.get("valid_to") and merged["valid_to"] < merged["valid_from"]:
        errors["valid_to"] = _("The period ends before it starts.")
    if {"client_field", "client_field_value", "client_filter"} & set(values):
        await _check_client_conditions(kernel, principal, values, merged, errors, replaced)
    return {"values": replaced, "errors": errors}


async def _check_client_conditions(kernel, principal, values, merged, errors, replaced) -> None:
    from core.permissions.errors import GateError
    from core.permissions.gate import Gate

    try:
        clients = await Gate.open(kernel, "contacts.client", principal)
    except GateError:
        errors["client_field"] = _("You may not read clients, so you cannot set client conditions.")
        return
    field_name, wanted = merged.get("client_field"), merged.get("client_field_value")
    if bool(field_name) != bool(wanted):
        errors["client_field_value" if field_name else "client_field"] = _(
            "Give both the client field and its value, or neither.")
    elif field_name:
        field = find_field(clients, field_name)
        if field is None:
            errors["client_field"] = _("No client field you may read is called “{name}”.").format(name=field_name)
        else:
            try:
                value = typed_text(field, wanted)
            except ValueError as exc:
                errors["client_field_value"] = str(exc)
            else:
                replaced.update({k: v for k, v in (("client_field", field.name), ("client_field_value", value)) if k in values})
    if values.get("client_filter"):
        text = segment_query(values["client_filter"])
        try:
            from core.entities.list_state import normalise_state

            replaced["client_filter"] = await normalise_state(clients, text)
        except GateError as exc:
            errors["client_filter"] = _("The client list cannot filter on this: {reason}").format(
                reason="; ".join(f"{k}: {v}" for k, v in getattr(exc, "errors", {}).items()) or str(exc))


def segment_query(text: str) -> str:
    """The filter part of what was typed: a whole client-list address copied from the browser works too."""
    text = text.strip()
    return text.split("?", 1)[1] if "?" in text else text


def find_field(gate, typed: str):
    """The client field named or labelled ``typed`` (any language, any case) that the user may read."""
    wanted = typed.strip().casefold()
    for field in gate.readable_fields:
        if field.name.casefold() == wanted or any(text.casefold() == wanted for text in field.label.values()):
            return field
    return None


def typed_text(field, text: str) -> str:
    """``text`` as the client list's filter takes it for ``field``: a choice by its label or value, others checked."""
    from core.entities.validation import FieldError, clean_value

    if field.choices:
        for choice in field.choices:
            if text.strip().casefold() in {choice.value.casefold(), *(t.casefold() for t in choice.label.values())}:
                return choice.value
        raise ValueError(_("“{value}” is not one of the field's choices.").format(value=text))
    try:
        clean_value(field, text)
    except FieldError as exc:
        raise ValueError(exc.message) from None
    return text.strip()

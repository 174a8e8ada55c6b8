"""Bulk actions on selected records: delete, assign, set a field.

Each record goes through the gate on its own, so a selection that includes
records the user may not change reports them instead of failing the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.permissions.errors import GateError, Refused

ACTIONS = ("delete", "assign", "set")
MAX_IDS = 500


@dataclass
class BulkResult:
    action: str
    done: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # id -> reason


async def run_bulk(gate, action: str, ids: list[str], field_name: str = "", value: str = "") -> BulkResult:
    if action not in ACTIONS:
        raise Refused({"action": f"unknown bulk action {action!r} (use {', '.join(ACTIONS)})"})
    if not ids:
        raise Refused({"ids": "select at least one record"})
    if len(ids) > MAX_IDS:
        raise Refused({"ids": f"at most {MAX_IDS} records at a time"})
    if action == "assign":
        field_name = gate.entity.owner_field
    result = BulkResult(action=action)
    for record_id in dict.fromkeys(ids):
        try:
            if action == "delete":
                await gate.delete(record_id)
            else:
                current = await gate.get(record_id, action="write")
                await gate.update(record_id, {field_name: value or None}, current["version"])
            result.done += 1
        except GateError as exc:
            result.failed[str(record_id)] = _reason(exc)
    return result


async def bulk_value(gate, form, action: str):
    """The value the bulk form sets: for "assign" the picked user (``user``, or the name or
    e-mail typed as ``user__pick``, among those the principal may assign); for "set" on a
    reference field the id, or the record the typed text names. Text that names no record,
    or several, stays as it is and each record reports the picker's message."""
    from dataclasses import replace

    from core.entities.picker import resolve, resolve_form

    kernel, principal = gate.kernel, gate.principal
    if action == "assign":
        owner = gate.fields.get(gate.entity.owner_field)
        if owner is None:
            return form.get("user", "")
        found = await resolve_form(kernel, principal, form, replace(owner, name="user"), gate.entity.key)
        return "" if found is None else found if getattr(found, "problem", None) else str(found)
    value = form.get("value", "")
    spec = gate.fields.get(form.get("field", ""))
    if action != "set" or spec is None or spec.type != "reference":
        return value
    owner = gate.entity.key if spec.name == gate.entity.owner_field else None
    if "value__pick" in form:  # the field's own picker (picker.js), typed without choosing
        found = await resolve_form(kernel, principal, form, replace(spec, name="value"), owner)
    elif not value or _is_uuid(value):
        return value
    else:  # the plain box: a linked record by its name
        found = await resolve(kernel, principal, spec, value, owner)
    return "" if found is None else found if getattr(found, "problem", None) else str(found)


def _is_uuid(value: str) -> bool:
    from uuid import UUID

    try:
        UUID(str(value))
    except ValueError:
        return False
    return True


def _reason(exc: GateError) -> str:
    errors = getattr(exc, "errors", None)
    if errors:
        return "; ".join(f"{k}: {v}" for k, v in errors.items())
    return "not found" if exc.status == 404 else str(exc)

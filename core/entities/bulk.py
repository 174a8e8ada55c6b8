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


def _reason(exc: GateError) -> str:
    errors = getattr(exc, "errors", None)
    if errors:
        return "; ".join(f"{k}: {v}" for k, v in errors.items())
    return "not found" if exc.status == 404 else str(exc)

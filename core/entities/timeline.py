"""A record's timeline: every ``timeline_entries`` contribution, newest first.

Core's audit trail contributes the field history (``core.audit.builtin``);
plugins add calls, emails, deals... The caller fetched the record through the
gate, so the principal can read it; each contributor leaves out what the
principal may not see.
"""

from __future__ import annotations

import inspect

from core.auth.tables import User


async def timeline(request, gate, record: dict) -> list[dict]:
    kernel = gate.kernel
    entries: list[dict] = []
    for result in kernel.hook.timeline_entries(kernel=kernel, entity=gate.entity, record=record, principal=gate.principal):
        result = await result if inspect.isawaitable(result) else result
        for entry in result or []:
            entries.append({"kind": "note", "text": "", "url": None, "actor_id": None, "field": None, **entry})
    lang = gate.principal.language
    for entry in entries:
        spec = gate.fields.get(entry["field"]) if entry["field"] else None
        entry["label"] = (spec.label.get(lang) or spec.label.get("en")) if spec else entry["field"]
    await _readable_values(gate, entries)
    names = await _actor_names({e["actor_id"] for e in entries if e["actor_id"]})
    for entry in entries:
        entry["actor"] = names.get(str(entry["actor_id"]), "")
    return grouped(sorted(entries, key=lambda e: e["at"], reverse=True), [f.name for f in gate.fields.values()])


def grouped(entries: list[dict], field_order: list[str] = ()) -> list[dict]:
    """Field changes saved together read as one entry: a new client is "Record created" once with
    its values, not eighteen lines of "create: Phone — → +7…". The audit trail keeps a row
    per field (S12); one save is one actor, one action and one instant (to the second).
    Each group's ``changes`` lists its field entries in the entity's field order."""
    out: list[dict] = []
    for entry in entries:
        if not entry["field"]:
            out.append(entry)
            continue
        key = (entry["kind"], entry["actor_id"], _second(entry["at"]))
        last = out[-1] if out else None
        if last is not None and last.get("group_key") == key:
            last["changes"].append(entry)
        else:
            out.append({**entry, "group_key": key, "changes": [entry]})
    position = {name: i for i, name in enumerate(field_order)}
    for entry in out:
        if "changes" in entry:
            entry["changes"].sort(key=lambda c: position.get(c["field"], len(position)))
    return out


def _second(at):
    return at.replace(microsecond=0) if hasattr(at, "replace") else at


async def _actor_names(ids: set) -> dict[str, str]:
    if not ids:
        return {}
    rows = await User.select(User.id, User.name, User.email).where(User.id.is_in(list(ids)))
    return {str(r["id"]): r["name"] or r["email"] for r in rows}


async def _readable_values(gate, entries: list[dict]) -> None:
    """A change's old and new values as the record page shows them: choice labels in the
    reader's language (Potential → Regular), referenced records and people by title or
    name (one query per referenced entity), dates on the reader's clock. The stored
    values stay under ``old_value`` / ``new_value``."""
    from core.entities.values import display, reference_titles

    changed = [e for e in entries if e["field"] and e["field"] in gate.fields]
    if not changed:
        return
    fields = list({e["field"]: gate.fields[e["field"]] for e in changed}.values())
    rows = [{e["field"]: e.get(key)} for e in changed for key in ("old", "new") if e.get(key) is not None]
    titles = await reference_titles(gate, rows, fields, gate.principal)
    lang = gate.principal.language
    for entry in changed:
        spec = gate.fields[entry["field"]]
        for key in ("old", "new"):
            raw = entry.get(key)
            entry[f"{key}_value"] = raw
            if raw is None:
                continue
            text = display(spec, _typed(spec, raw), titles.get(spec.name, {}), lang)["text"]
            entry[key] = text if text != "" else None


def _typed(spec, raw):
    """A value as the audit trail stored it (JSON: dates as ISO text) back in its field's type."""
    from datetime import date, datetime

    if isinstance(raw, str) and spec.type in ("date", "datetime"):
        try:
            return datetime.fromisoformat(raw) if spec.type == "datetime" else date.fromisoformat(raw[:10])
        except ValueError:
            return raw
    if isinstance(raw, str) and spec.type in ("decimal", "money"):
        from decimal import Decimal, InvalidOperation

        try:
            return Decimal(raw)
        except InvalidOperation:
            return raw
    return raw

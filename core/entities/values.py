"""Rows as people read them: choice labels, referenced records by title, dates."""

from __future__ import annotations

from typing import Any

from core.entities.spec import Field
from core.i18n.formatting import format_date, format_datetime, format_money, format_number
from core.permissions.errors import NotFound


async def reference_titles(gate, rows: list[dict], fields: list[Field], principal) -> dict[str, dict[str, str]]:
    """For each reference field, id -> title of the referenced records the user may read."""
    from core.entities.sql import Filter
    from core.permissions.gate import Gate, ListRequest

    titles: dict[str, dict[str, str]] = {}
    for field in fields:
        if field.type != "reference" or field.reference == "core.user":
            continue
        ids = sorted({str(r[field.name]) for r in rows if r.get(field.name)})
        if not ids:
            continue
        try:
            target = await Gate.open(gate.kernel, field.reference, principal)
        except NotFound:
            continue
        if not target.readable(target.entity.title_field):
            continue
        page = await target.list(ListRequest(filters=[Filter("id", "in", ids)], limit=len(ids)))
        titles[field.name] = {str(r["id"]): str(r.get(target.entity.title_field) or r["id"]) for r in page.rows}
    return titles


def display(field: Field, value: Any, titles: dict[str, str], lang: str = "en") -> dict[str, Any]:
    """What a cell shows, and where it links to (references only)."""
    if value is None or value == "" or value == []:
        return {"text": "", "url": None}
    if field.type == "choice":
        return {"text": field.choice_label(value, lang), "url": None}
    if field.type == "multi_choice":
        return {"text": ", ".join(field.choice_label(v, lang) for v in value), "url": None}
    if field.type == "boolean":
        return {"text": "✓" if value else "—", "url": None}
    if field.type == "reference":
        key = str(value)
        if field.reference == "core.user":
            return {"text": key[:8], "url": None}
        if key in titles:
            plugin, name = field.reference.split(".", 1)
            return {"text": titles[key], "url": f"/{plugin}/{name}/{key}"}
        return {"text": "—", "url": None}  # not visible to this user: reveal nothing
    # Dates and numbers as the reader's language writes them (22.11.2026, 1 234,50).
    if field.type == "datetime":
        return {"text": format_datetime(value, "short", lang) if hasattr(value, "strftime") else str(value), "url": None}
    if field.type == "date":
        return {"text": format_date(value, "short", lang) if hasattr(value, "strftime") else str(value), "url": None}
    if field.type == "integer":
        # A four-digit integer is written whole, so a year reads 2023, not "2,023" or
        # "2 023"; from five digits on the reader's grouping helps (12,345). CLDR's
        # "minimum grouping digits" of 2, as Spanish and Polish write numbers anyway.
        return {"text": format_number(value, lang, grouping=abs(int(value)) >= 10000), "url": None}
    if field.type == "decimal":
        return {"text": format_number(value, lang), "url": None}
    if field.type == "money":
        return {"text": format_money(value, locale=lang), "url": None}
    return {"text": str(value), "url": None}


async def display_rows(gate, rows: list[dict], fields: list[Field], principal) -> list[dict]:
    titles = await reference_titles(gate, rows, fields, principal)
    lang = getattr(principal, "language", "en")
    out = []
    for row in rows:
        cells = {f.name: display(f, row.get(f.name), titles.get(f.name, {}), lang) for f in fields}
        out.append({"id": row["id"], "version": row.get("version"), "title": row.get(gate.entity.title_field), "cells": cells})
    return out

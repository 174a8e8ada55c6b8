"""Rows as people read them: choice labels, referenced records by title, dates."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

from core.auth.stamped_cache import StampedCache
from core.entities.ids import as_uuid
from core.entities.spec import Field
from core.entities.picker import DIRECTORY, TEAM, USER
from core.i18n import N_, translations
from core.i18n.formatting import format_date, format_datetime, format_money, format_number
from core.permissions.errors import NotFound


# TRANSLATORS: the short word for a phone extension, written between the number and the extension.
EXTENSION = N_("ext.")
USER_FIELDS = ("created_by", "updated_by")  # system uuids that name a user


def reference_target(field: Field) -> str | None:
    """What a field's value names: an entity key, "core.user" or "core.team"; None for plain values."""
    if field.name in USER_FIELDS:
        return USER
    return field.reference if field.type == "reference" else None


async def _user_titles(ids: list) -> dict:
    from core.auth.tables import User

    rows = await User.select(User.id, User.name, User.email).where(User.id.is_in(ids))
    return {as_uuid(r["id"]): r["name"] or r["email"] for r in rows}


# A user's name, as every list's responsible column shows it: kept per worker behind the
# principal stamp, which every change of core_user moves (core.auth.stamped_cache).
USER_TITLES: StampedCache = StampedCache(_user_titles)


async def _titles_of(gate, target: str, ids: list[str], principal) -> dict[str, str]:
    """id -> title of the records of ``target`` the user may read: one query (per 500 ids)."""
    from core.auth.tables import Team
    from core.entities.sql import Filter
    from core.permissions.gate import MAX_LIMIT, Gate, ListRequest

    if target in DIRECTORY:
        ids = [u for u in (as_uuid(i) for i in ids) if u]
        if not ids:
            return {}
    if target == USER:
        found = await USER_TITLES.get_many(ids, getattr(principal, "stamp", None))
        return {str(k): title for k, title in found.items()}
    if target == TEAM:
        return {str(r["id"]): r["name"] for r in await Team.select(Team.id, Team.name).where(Team.id.is_in(ids))}
    try:
        other = await Gate.open(gate.kernel, target, principal)
    except NotFound:
        return {}
    title = other.entity.title_field
    if not other.readable(title):
        return {}
    out: dict[str, str] = {}
    for start in range(0, len(ids), MAX_LIMIT):
        chunk = ids[start:start + MAX_LIMIT]
        try:
            page = await other.list(ListRequest(filters=[Filter("id", "in", chunk)], limit=len(chunk)))
        except NotFound:
            return {}  # no read access to that entity at all
        out.update({str(r["id"]): str(r.get(title) or "—") for r in page.rows})
    return out


async def reference_titles(gate, rows: list[dict], fields: list[Field], principal) -> dict[str, dict[str, str]]:
    """For each reference field, id -> title of the referenced records the user may read.

    One query per referenced entity, whatever the number of rows and of fields
    naming it (client and a custom "partner" field both read contacts.client
    once); users — the responsible, created_by, updated_by, custom user
    fields — in one query too."""
    wanted: dict[str, set[str]] = {}
    for field in fields:
        target = reference_target(field)
        if target:
            wanted.setdefault(target, set()).update(str(r[field.name]) for r in rows if r.get(field.name))
    found = {target: await _titles_of(gate, target, sorted(ids), principal) for target, ids in wanted.items() if ids}
    return {f.name: found.get(reference_target(f), {}) for f in fields if reference_target(f)}


def display(field: Field, value: Any, titles: dict[str, str], lang: str = "en") -> dict[str, Any]:
    """What a cell shows, and where it links to (references only)."""
    return cell_for(field, titles, lang)(value)


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def _choice_text(labels: dict[str, str], value: Any) -> Any:
    try:
        return labels.get(value, value)
    except TypeError:  # not a choice at all (unhashable): shown as stored, as before
        return value


def cell_for(field: Field, titles: dict[str, str], lang: str = "en") -> Callable[[Any], dict[str, Any]]:
    """:func:`display` of one column, as a function of the value: what depends only on the
    column (its choices' labels in ``lang``, the link's path) is worked out once, not per row."""
    kind = field.type
    if kind in ("choice", "multi_choice"):
        # The first choice of a value wins, as in Field.choice_label.
        labels = {c.value: c.label.get(lang) or c.label.get("en") or c.value for c in reversed(field.choices)}
        if kind == "choice":
            return lambda v: {"text": "", "url": None} if _blank(v) else {"text": _choice_text(labels, v), "url": None}
        return lambda v: {"text": "", "url": None} if _blank(v) else {"text": ", ".join(_choice_text(labels, x) for x in v), "url": None}
    if kind == "boolean":
        return lambda v: {"text": "", "url": None} if _blank(v) else {"text": "✓" if v else "—", "url": None}
    target = reference_target(field)
    if target:
        if target in DIRECTORY:
            return lambda v: {"text": "", "url": None} if _blank(v) else {"text": titles.get(str(v), "—"), "url": None}
        plugin, name = field.reference.split(".", 1)
        path = f"/{plugin}/{name}/"

        def reference(v: Any) -> dict[str, Any]:
            if _blank(v):
                return {"text": "", "url": None}
            key = str(v)
            if key in titles:
                return {"text": titles[key], "url": path + key}
            return {"text": "—", "url": None}  # not visible to this user: reveal nothing

        return reference
    return lambda v: {"text": "", "url": None} if _blank(v) else {"text": _plain_text(kind, v, lang), "url": None}


def _plain_text(kind: str, value: Any, lang: str) -> str:
    # Dates and numbers as the reader's language writes them (22.11.2026, 1 234,50).
    if kind == "datetime":
        return format_datetime(value, "short", lang) if hasattr(value, "strftime") else str(value)
    if kind == "date":
        return format_date(value, "short", lang) if hasattr(value, "strftime") else str(value)
    if kind == "integer":
        # A four-digit integer is written whole, so a year reads 2023, not "2,023" or
        # "2 023"; from five digits on the reader's grouping helps (12,345). CLDR's
        # "minimum grouping digits" of 2, as Spanish and Polish write numbers anyway.
        return format_number(value, lang, grouping=abs(int(value)) >= 10000)
    if kind == "decimal":
        return format_number(value, lang)
    if kind == "money":
        return format_money(value, locale=lang)
    if kind == "phone":
        return readable_phone(str(value), lang)
    return str(value)


@lru_cache(maxsize=4096)
def readable_phone(value: str, lang: str = "en") -> str:
    """A stored phone as people write it: "+74955005550;ext=12" reads "+7 495 500-55-50 ext. 12".

    Phones are stored in one canonical form (E.164, RFC 3966 extension) so that
    search and duplicates compare them; that form is for machines. Anything
    phonenumbers cannot read is shown as stored.
    """
    import phonenumbers

    number, _, extension = value.partition(";ext=")
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_possible_number(parsed):
        return value
    text = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if not extension:
        return text
    return f"{text} {translations(lang).gettext(EXTENSION)} {extension}"


async def display_rows(gate, rows: list[dict], fields: list[Field], principal) -> list[dict]:
    titles = await reference_titles(gate, rows, fields, principal)
    lang = getattr(principal, "language", "en")
    columns = [(f.name, cell_for(f, titles.get(f.name, {}), lang)) for f in fields]
    title = gate.entity.title_field
    out = []
    for row in rows:
        get = row.get
        cells = {name: cell(get(name)) for name, cell in columns}
        out.append({"id": row["id"], "version": get("version"), "title": get(title), "cells": cells})
    return out

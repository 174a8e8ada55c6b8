"""The typed SQL expression of a field, per engine — one expression for queries and indexes.

Custom values live in the row's ``custom`` JSON column. A filter or a sort on
a custom field uses :func:`field_sql`, and its index (``indexes.py``) is built
on the very same text, so the planner matches them:

========================  ====================================  =======================================
type                      SQLite                                PostgreSQL
========================  ====================================  =======================================
text, long_text, email,   ``json_extract("custom", '$.f')``      ``("custom"->>'f')``
phone, url, choice, uuid,
reference, multi_choice
integer                   ``json_extract(...)`` (an INTEGER)     ``(("custom"->>'f')::bigint)``
boolean                   ``json_extract(...)`` (1 or 0)         ``(("custom"->>'f')::boolean)``
decimal, money            ``CAST(json_extract(...) AS REAL)``    ``(("custom"->>'f')::numeric)``
date                      ``json_extract(...)`` (ISO text)       ``klientela_cf_date("custom"->>'f')``
datetime                  ``json_extract(...)`` (UTC ISO text)   ``klientela_cf_timestamptz("custom"->>'f')``
========================  ====================================  =======================================

Exactness on SQLite: decimals and money are *stored* as decimal strings
(``"1234.50"``) and read back as ``Decimal``; only comparisons and sorting go
through ``REAL``, which is exact to 15 significant digits — the limit
``core.entities.validation`` puts on them — so order and equality hold. Sums
are computed in Python ``Decimal``, never by SQLite. PostgreSQL uses
``numeric`` throughout.

Dates and datetimes are stored in one fixed-width ISO form, so on SQLite
text order is time order; on PostgreSQL the text-to-date casts are only
STABLE, so two IMMUTABLE wrappers made by core's ``custom_fields_sql``
migration stand in for them (the canonical form makes them truly immutable).

Values compared with these expressions must be passed through
:func:`field_param` (e.g. a ``datetime`` becomes the stored text on SQLite).
Field names are checked against ``FIELD_RE`` here again: they are the only
part of the SQL not passed as a parameter.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from core.entities.spec import FIELD_RE, Field
from core.entities.stored_values import storage_datetime, to_storage

SQLITE, POSTGRES = "sqlite", "postgres"
CUSTOM_COLUMN = "custom"
STRING_TYPES = ("text", "long_text", "email", "phone", "url", "choice", "uuid", "reference", "multi_choice")
PG_CASTS = {"integer": "bigint", "boolean": "boolean", "decimal": "numeric", "money": "numeric"}
PG_FUNCTIONS = {"date": "klientela_cf_date", "datetime": "klientela_cf_timestamptz"}


def _kind(engine_kind: str) -> str:
    if engine_kind not in (SQLITE, POSTGRES):
        raise ValueError(f"unknown engine kind {engine_kind!r}")
    return engine_kind


def safe_name(name: str) -> str:
    if not isinstance(name, str) or not FIELD_RE.fullmatch(name):
        raise ValueError(f"not a safe identifier: {name!r}")
    return name


def column(name: str, table_alias: str | None = None) -> str:
    """A quoted column, optionally qualified: ``"t"."name"``."""
    quoted = f'"{safe_name(name)}"'
    return f'"{safe_name(table_alias)}".{quoted}' if table_alias else quoted


def json_text(field: Field, engine_kind: str, table_alias: str | None = None) -> str:
    """The raw stored value (text on PostgreSQL; SQLite's own type) without any cast."""
    name = safe_name(field.name)
    custom = column(CUSTOM_COLUMN, table_alias)
    if _kind(engine_kind) == SQLITE:
        return f"json_extract({custom}, '$.{name}')"
    return f"({custom}->>'{name}')"


def field_sql(field: Field, engine_kind: str, table_alias: str | None = None) -> str:
    """The typed expression for filters, sorts and the field's index."""
    if not field.custom:
        return column(field.name, table_alias)
    raw = json_text(field, engine_kind, table_alias)
    if _kind(engine_kind) == SQLITE:
        if field.type in ("decimal", "money"):
            return f"CAST({raw} AS REAL)"
        return raw
    if field.type in PG_CASTS:
        return f"({raw}::{PG_CASTS[field.type]})"
    if field.type in PG_FUNCTIONS:
        return f"{PG_FUNCTIONS[field.type]}{raw}"
    return raw


def field_param(field: Field, value: Any, engine_kind: str) -> Any:
    """A clean value as the parameter to compare with :func:`field_sql` of ``field``.

    Native fields take the value as is (Piccolo adapts it). For a
    multi_choice field pass one choice (see :func:`contains_sql`).
    """
    if value is None or not field.custom:
        return value
    kind = _kind(engine_kind)
    if field.type == "multi_choice":
        return str(value)
    if field.type in ("decimal", "money"):
        number = Decimal(str(value))
        return float(number) if kind == SQLITE else number
    if field.type == "date" and isinstance(value, date) and not isinstance(value, datetime):
        return value if kind == POSTGRES else value.isoformat()
    if field.type == "datetime" and isinstance(value, datetime):
        return value if kind == POSTGRES else storage_datetime(value)
    if field.type in ("integer", "boolean"):
        return value
    return to_storage(field, value) if field.type in ("uuid", "reference") else str(value)


def contains_sql(field: Field, engine_kind: str, table_alias: str | None = None) -> str:
    """``multi_choice`` holds one value: SQL with one ``{}`` placeholder (a choice value).

    PostgreSQL's form is served by the field's GIN index; SQLite has no index for it.
    """
    name = safe_name(field.name)
    custom = column(CUSTOM_COLUMN, table_alias)
    if _kind(engine_kind) == SQLITE:
        return f"EXISTS (SELECT 1 FROM json_each({custom}, '$.{name}') WHERE json_each.value = {{}})"
    return f"(({custom}->'{name}') ? {{}})"


def present_sql(field: Field, engine_kind: str, table_alias: str | None = None) -> str:
    """True where the row's ``custom`` holds the field's key (even a JSON null)."""
    name = safe_name(field.name)
    custom = column(CUSTOM_COLUMN, table_alias)
    if _kind(engine_kind) == SQLITE:
        return f"json_type({custom}, '$.{name}') IS NOT NULL"
    return f"({custom} ? '{name}')"


def remove_sql(table_name: str, field: Field, engine_kind: str) -> str:
    """One set-based UPDATE removing the field's key from every row that has it."""
    table = column(table_name)
    name = safe_name(field.name)
    if _kind(engine_kind) == SQLITE:
        removed = f"json_remove(\"{CUSTOM_COLUMN}\", '$.{name}')"
    else:
        removed = f"(\"{CUSTOM_COLUMN}\" - '{name}')"
    return f'UPDATE {table} SET "{CUSTOM_COLUMN}" = {removed} WHERE {present_sql(field, engine_kind)}'


def set_text_sql(field: Field, engine_kind: str) -> str:
    """The row's ``custom`` with the field's value replaced by a text parameter (one ``{}``),
    every other key kept: the write is one expression of the stored column, so a
    concurrent change of another key of the same row is never overwritten."""
    name = safe_name(field.name)
    custom = column(CUSTOM_COLUMN)
    if _kind(engine_kind) == SQLITE:
        return f"json_set({custom}, '$.{name}', {{}})"
    # ARRAY[...] rather than the '{name}' path literal: braces are QueryString placeholders.
    return f"jsonb_set({custom}, ARRAY['{name}'], to_jsonb({{}}::text))"

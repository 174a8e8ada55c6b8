"""SQL pieces for the query gate, composed as Piccolo ``QueryString`` s.

Values always travel as parameters; identifiers come only from declarations
(field names validated by ``FIELD_RE``, table names from Piccolo tables), and
are quoted here. Custom fields use the exact expression their index was built
on (``core.custom_fields.sql.field_sql``) so the planner can use it.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from piccolo.querystring import QueryString

from core.db.engine import fold_sql, fold_text
from core.entities.spec import FIELD_RE, Field

OPERATORS = {
    "eq": "=", "ne": "<>", "lt": "<", "lte": "<=", "gt": ">", "gte": ">=",
}
TEXT_OPERATORS = ("contains", "startswith")
ALL_OPERATORS = tuple(OPERATORS) + TEXT_OPERATORS + ("in", "isnull")


def quote(name: str) -> str:
    if not FIELD_RE.match(name):
        raise ValueError(f"not a safe identifier: {name!r}")
    return f'"{name}"'


def expression(field: Field, engine_kind: str) -> str:
    if field.custom:
        from core.custom_fields.sql import field_sql

        return field_sql(field, engine_kind)
    return quote(field.name)


def join(parts: list[QueryString], glue: str) -> QueryString:
    if not parts:
        return QueryString("1 = 1")
    return QueryString(glue.join("{}" for _ in parts), *parts)


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class Filter:
    """``field`` ``op`` ``value``: one condition of a :class:`~core.permissions.gate.ListRequest`.

    ``op`` is one of ``eq``, ``ne``, ``lt``, ``lte``, ``gt``, ``gte``, ``in`` (a list),
    ``contains``, ``startswith``, ``isnull`` (``value`` True/False) — the query
    string's ``<field>__<op>=<value>``. A field the principal may not read is refused.
    """

    field: str
    op: str
    value: Any = None


def compile_filter(field: Field, op: str, value: Any, engine_kind: str) -> QueryString:
    expr = expression(field, engine_kind)
    if op in OPERATORS:
        return QueryString(f"{expr} {OPERATORS[op]} {{}}", value)
    if op == "isnull":
        return QueryString(f"{expr} IS NULL" if value else f"{expr} IS NOT NULL")
    if op == "in":
        values = list(value)
        if not values:
            return QueryString("1 = 0")
        return QueryString(f"{expr} IN ({', '.join('{}' for _ in values)})", *values)
    folded = fold_text(str(value), engine_kind)
    if op == "startswith" and next_prefix(folded):
        return prefix_range(fold_sql(expr, engine_kind), folded, engine_kind)
    if op in TEXT_OPERATORS:
        pattern = escape_like(folded)
        pattern = f"%{pattern}%" if op == "contains" else f"{pattern}%"
        return QueryString(f"{fold_sql(expr, engine_kind)} LIKE {{}} ESCAPE '\\'", pattern)
    raise ValueError(f"unknown operator {op!r}")


def next_prefix(text: str) -> str:
    """The smallest string above every string that starts with ``text`` (in code point order),
    "" when there is none (an empty text, or one of only the last code point)."""
    text = text.rstrip(chr(0x10FFFF))
    if not text:
        return ""
    following = ord(text[-1]) + 1
    if 0xD800 <= following <= 0xDFFF:
        following = 0xE000  # surrogates are no characters: no text holds them
    return text[:-1] + chr(following)


def prefix_range(folded: str, prefix: str, engine_kind: str) -> QueryString:
    """``folded`` starts with ``prefix`` as a key range, ``prefix <= x < next_prefix``: exactly the
    same rows as ``LIKE 'prefix%'``, but a B-tree on ``folded`` answers it
    (core.entities.prefix_index) whatever the pattern. Both engines compare text here
    in code point order: SQLite's BINARY and PostgreSQL's pattern operators compare
    UTF-8 bytes, whose order is the code points'."""
    if engine_kind == "postgres":
        return QueryString(f"({folded} ~>=~ {{}} AND {folded} ~<~ {{}})", prefix, next_prefix(prefix))
    return QueryString(f"({folded} >= {{}} AND {folded} < {{}})", prefix, next_prefix(prefix))


def encode_cursor(values: list[Any]) -> str:
    payload = json.dumps([_jsonable(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any]:
    padded = cursor + "=" * (-len(cursor) % 4)
    data = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    if not isinstance(data, list):
        raise ValueError("bad cursor")
    return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (UUID, Decimal)):
        return str(value)
    return value

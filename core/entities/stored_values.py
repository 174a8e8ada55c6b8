"""Custom field values as kept in an entity row's ``custom`` JSON column, and back.

A clean value (see :mod:`core.entities.validation`) is stored in a JSON-safe
form that also compares and sorts correctly in SQL on both engines: money and
decimals as exact decimal text, dates as ISO text, date-times as fixed-width
UTC text, ids as text.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from core.entities.spec import Field
from core.entities.validation import CENT, plain_decimal


def to_storage(field: Field, value: Any) -> Any:
    """A clean value in the JSON-safe form kept in ``custom`` (and compared in SQL)."""
    if value is None:
        return None
    kind = field.type
    if kind == "money":
        return format(value.quantize(CENT), "f")
    if kind == "decimal":
        return plain_decimal(value)
    if kind == "date":
        return value.isoformat()
    if kind == "datetime":
        return storage_datetime(value)
    if kind in ("reference", "uuid"):
        return str(value)
    if kind == "multi_choice":
        return list(value)
    return value  # str, int, bool


def storage_datetime(value: datetime) -> str:
    """Fixed-width UTC ISO text (``2024-05-31T11:30:00.000000Z``): sorts as text in time order."""
    utc = value.astimezone(timezone.utc).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


def from_storage(field: Field, stored: Any) -> Any:
    """The Python value of a stored one; ``None`` for a missing or unreadable value."""
    if stored is None:
        return None
    kind = field.type
    try:
        if kind == "money":
            return Decimal(str(stored)).quantize(CENT)
        if kind == "decimal":
            return Decimal(str(stored))
        if kind == "integer":
            return int(stored) if not isinstance(stored, bool) else None
        if kind == "date":
            return date.fromisoformat(stored)
        if kind == "datetime":
            return datetime.fromisoformat(stored[:-1] + "+00:00" if stored.endswith("Z") else stored).astimezone(timezone.utc)
        if kind == "boolean":
            return bool(stored) if isinstance(stored, (bool, int)) else None
        if kind in ("reference", "uuid"):
            return uuid.UUID(str(stored))
        if kind == "multi_choice":
            return [str(v) for v in stored] if isinstance(stored, list) else None
        return stored if isinstance(stored, str) else str(stored)
    except (ValueError, TypeError, ArithmeticError, AttributeError):
        return None

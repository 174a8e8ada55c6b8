"""Rows to JSON-safe values (UUIDs, dates and decimals as strings).

Every value of every row of an API answer passes here (80 rows × 35 fields
is 2,800 calls), so the common case is decided by one look-up of the exact
type: strings, numbers, booleans and ``None`` go out as they are, the rest
through a converter per type. Subclasses (a ``str`` enum, an ``OrderedDict``)
take the slower ``isinstance`` path and come out the same.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

_AS_IS = frozenset({str, int, float, bool, type(None)})


def _dict(value: dict) -> dict:
    return {k: v if type(v) in _AS_IS else jsonable(v) for k, v in value.items()}


def _list(value) -> list:
    return [v if type(v) in _AS_IS else jsonable(v) for v in value]


_CONVERT = {
    dict: _dict,
    list: _list,
    tuple: _list,
    datetime: datetime.isoformat,
    date: date.isoformat,
    UUID: str,
    Decimal: str,
}


def jsonable(value: Any) -> Any:
    kind = type(value)
    if kind in _AS_IS:
        return value
    convert = _CONVERT.get(kind)
    if convert is not None:
        return convert(value)
    if isinstance(value, dict):
        return _dict(value)
    if isinstance(value, (list, tuple)):
        return _list(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (UUID, Decimal)):
        return str(value)
    return value

"""Turn a query string into a gate ``ListRequest`` — one format for pages, partials and the API.

``?q=text&sort=-name,created_at&limit=50&cursor=...&kind=company&name__startswith=Ив``:
every other parameter is a filter ``<field>[__<op>]=<value>``. The same URL
is the state of a list page, so a filtered view can be bookmarked and shared.
"""

from __future__ import annotations

from core.entities.sql import ALL_OPERATORS, Filter
from core.permissions.errors import Refused
from core.permissions.gate import MAX_LIMIT, ListRequest

RESERVED = {"q", "sort", "limit", "cursor", "trash", "columns", "fields", "format", "view", "page"}


def list_request(params) -> ListRequest:
    """``params``: a multi-dict (Litestar's ``request.query_params``) or a plain dict."""
    items = params.multi_items() if hasattr(params, "multi_items") else list(params.items())
    filters: list[Filter] = []
    values: dict[str, str] = {}
    for key, value in items:
        if "\x00" in key or "\x00" in value:
            # PostgreSQL text cannot hold NUL: refuse it here, the same on both engines.
            raise Refused({key.replace("\x00", ""): "must not contain a NUL character"})
        if key in RESERVED:
            values[key] = value
            continue
        if value == "":
            continue  # an empty form field is no filter
        name, _, op = key.partition("__")
        op = op or "eq"
        if op not in ALL_OPERATORS:
            raise Refused({key: f"unknown operator {op!r} (use one of {', '.join(ALL_OPERATORS)})"})
        filters.append(Filter(name, op, value))
    try:
        limit = int(values.get("limit", 50))
    except ValueError:
        raise Refused({"limit": "must be a whole number"}) from None
    if not 1 <= limit <= MAX_LIMIT:
        raise Refused({"limit": f"must be between 1 and {MAX_LIMIT}"})
    sort = [s.strip() for s in values.get("sort", "").split(",") if s.strip()]
    return ListRequest(
        filters=filters,
        sort=sort,
        search=values.get("q", ""),
        cursor=values.get("cursor") or None,
        limit=limit,
        trash=values.get("trash", "") in ("1", "true", "yes"),
    )


def name_list(params, key: str) -> list[str]:
    """``key=a,b`` or ``key=a&key=b`` (a form of checkboxes): the names in order, without repeats."""
    values = params.getall(key, []) if hasattr(params, "getall") else [params.get(key, "")]
    names = [n.strip() for v in values for n in str(v or "").split(",") if n.strip()]
    return list(dict.fromkeys(names))


def requested_fields(params) -> list[str]:
    """The fields an API answer is cut down to: ``fields=``, else a list's ``columns=``; empty: all."""
    return name_list(params, "fields") or name_list(params, "columns")


class QueryPairs(list):
    """A list of (key, value) pairs that answers like Litestar's query multi-dict."""

    def multi_items(self):
        return list(self)

    def get(self, key, default=None):
        return next((v for k, v in reversed(self) if k == key), default)

    def getall(self, key, default=()):
        found = [v for k, v in self if k == key]
        return found or list(default)


def without(params, keys) -> QueryPairs:
    """The query's pairs but those of ``keys`` (an endpoint's own parameters, not filters)."""
    items = params.multi_items() if hasattr(params, "multi_items") else list(params.items())
    return QueryPairs((k, v) for k, v in items if k not in keys)

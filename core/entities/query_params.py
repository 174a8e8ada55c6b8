"""Turn a query string into a gate ``ListRequest`` — one format for pages, partials and the API.

``?q=text&sort=-name,created_at&limit=50&cursor=...&kind=company&name__startswith=Ив``:
every other parameter is a filter ``<field>[__<op>]=<value>``. The same URL
is the state of a list page, so a filtered view can be bookmarked and shared.
"""

from __future__ import annotations

from core.entities.sql import ALL_OPERATORS, Filter
from core.permissions.errors import Refused
from core.permissions.gate import MAX_LIMIT, ListRequest

RESERVED = {"q", "sort", "limit", "cursor", "trash", "columns", "format", "view", "page"}


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

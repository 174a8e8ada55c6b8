"""A list view's state as it lives in the URL: columns, sort, filters, search, page size.

The query string is the whole state of a list page (``core.entities.query_params``
reads its filters), so a view is a link, the browser's back and forward
buttons work, and a saved view (``core.saved_views``) is just this string
under a name. This module adds what the gate does not care about: which
columns are shown, and a normalised form of the state for saving and linking.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from urllib.parse import parse_qsl, urlencode

from core.entities.query_params import QueryPairs, list_request, name_list
from core.entities.spec import Field
from core.i18n import _
from core.i18n.timezones import day_bounds
from core.permissions.errors import Refused
from core.permissions.gate import ListRequest

# System columns a list may show; the others (ids, version, trash marker) say nothing to a reader.
SHOWABLE_SYSTEM = ("created_at", "updated_at")
# Keys that are position or transport, never part of a view.
NOT_STATE = {"cursor", "view", "_csrf", "trash"}
MAX_STATE = 2000


def column_choices(g) -> list[Field]:
    """Every column this user may add to the list: readable declared, custom and dated fields."""
    from core.entities.spec import SYSTEM_FIELDS

    return [f for f in g.readable_fields if f.name not in SYSTEM_FIELDS or f.name in SHOWABLE_SYSTEM]


def default_columns(g) -> list[Field]:
    columns = [f for f in (g.fields.get(c) for c in g.entity.list_columns) if f and g.readable(f.name)]
    return columns + [f for f in g.custom if g.readable(f.name) and f.type != "long_text"]  # custom fields: columns too


def requested_columns(params) -> list[str]:
    """``columns=name,kind`` or ``columns=name&columns=kind`` (a form of checkboxes), in order."""
    return name_list(params, "columns")


def chosen_columns(g, params) -> list[Field]:
    """The columns the URL asks for, or the entity's defaults; unknown and unreadable ones are refused."""
    names = requested_columns(params)
    if not names:
        return default_columns(g)
    allowed = {f.name: f for f in column_choices(g)}
    bad = [n for n in names if n not in allowed]
    if bad:
        # Same words for unknown and hidden: a column list must not probe field rules.
        raise Refused({"columns": _("no such column: {names}").format(names=", ".join(bad))})
    return [allowed[n] for n in names]


def state_pairs(params) -> list[tuple[str, str]]:
    """The query string's pairs that make up the view, columns folded into one pair."""
    items = params.multi_items() if hasattr(params, "multi_items") else list(params.items())
    pairs = [(k, str(v)) for k, v in items if k not in NOT_STATE and k != "columns" and str(v) != ""]
    columns = requested_columns(params)
    if columns:
        pairs.append(("columns", ",".join(columns)))
    return pairs


def query_dict(params) -> dict[str, str]:
    """The list URL's state as a flat dict for templates (``query_with`` builds links from it)."""
    out = dict(state_pairs(params))
    for key in ("cursor", "trash"):
        if params.get(key):
            out[key] = params.get(key)
    return out


DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


def widen_dates(g, req: ListRequest) -> ListRequest:
    """A date typed into a date-time filter (the form's date box) means the whole day on the
    user's clock (the request's zone, core.i18n.timezones): ``created_at__gte=2026-05-01``
    from its first instant, ``__lte`` up to its last."""
    widened = []
    for f in req.filters:
        spec = g.fields.get(f.field)
        if spec is not None and spec.type == "datetime" and DATE_ONLY.fullmatch(str(f.value)):
            try:
                start, end = day_bounds(date.fromisoformat(str(f.value)))
            except ValueError:
                widened.append(f)  # not a real day (2026-02-30): the gate refuses it with its message
                continue
            # from the first instant (gte) / before it (lt); up to the last (lte) / after it (gt)
            if f.op in ("gte", "lt"):
                f = replace(f, value=start.isoformat())
            elif f.op in ("lte", "gt"):
                f = replace(f, value=(end - timedelta(microseconds=1)).isoformat())
        widened.append(f)
    req.filters = widened
    return req


async def normalise_state(g, raw: str) -> str:
    """A list state checked against this user's gate, as a canonical query string.

    Refused (400, one message per bad parameter) when it names unknown or
    unreadable fields or columns, unknown operators, values a field cannot
    hold, or a sort the gate refuses — checked by asking the gate for one
    row, so the rules are exactly those of the list itself.
    """
    raw = (raw or "").strip().lstrip("?")
    if len(raw) > MAX_STATE:
        raise Refused({"state": _("a view is at most {n} characters of URL").format(n=MAX_STATE)})
    try:
        pairs = parse_qsl(raw, keep_blank_values=False, strict_parsing=False, max_num_fields=100)
    except ValueError:
        raise Refused({"state": _("too many parameters")}) from None
    params = QueryPairs(state_pairs(QueryPairs(pairs)))
    chosen_columns(g, params)
    req: ListRequest = widen_dates(g, list_request(params))
    req.limit, req.cursor, req.trash = 1, None, False
    await g.list(req)
    return urlencode(list(params))

"""What a list page shows for one URL state: rows, columns, sort marks, filter form, saved views.

Pages and the htmx partial (``HX-Target: entity-rows``) build the same context
here, so a swapped-in table and a freshly loaded page never disagree.
"""

from __future__ import annotations

from urllib.parse import urlencode

from core.entities.list_state import chosen_columns, column_choices, query_dict, state_pairs, widen_dates
from core.entities.query_params import list_request
from core.entities.spec import Field
from core.entities.values import display_rows
from core.permissions.request import principal_of

TEXTUAL = ("text", "long_text", "email", "phone", "url")
RANGED = {"integer": "number", "decimal": "number", "money": "number", "date": "date", "datetime": "date"}


def filter_controls(columns: list[Field], query: dict) -> list[dict]:
    """One control per shown column that can be filtered from a form; each names its URL parameter(s)."""
    controls = []
    for f in columns:
        if f.type == "choice":
            controls.append({"field": f, "kind": "choice", "name": f.name, "value": query.get(f.name, "")})
        elif f.type == "boolean":
            controls.append({"field": f, "kind": "boolean", "name": f.name, "value": query.get(f.name, "")})
        elif f.type in TEXTUAL:
            name = f"{f.name}__contains"
            controls.append({"field": f, "kind": "text", "name": name, "value": query.get(name, "")})
        elif f.type in RANGED:
            low, high = f"{f.name}__gte", f"{f.name}__lte"
            controls.append({"field": f, "kind": "range", "input": RANGED[f.type], "low": low, "high": high,
                             "low_value": query.get(low, ""), "high_value": query.get(high, "")})
    return controls


def sort_marks(sort: list[str], default: tuple[str, ...]) -> dict[str, str]:
    """aria-sort values for the column the list is sorted by first."""
    first = (sort or list(default) or [""])[0]
    if not first:
        return {}
    return {first.lstrip("-"): "descending" if first.startswith("-") else "ascending"}


async def list_context(request, g, *, trash: bool) -> dict:
    from core.saved_views import store

    params = request.query_params
    req = widen_dates(g, list_request(params))
    req.trash = req.trash or trash
    columns = chosen_columns(g, params)
    page = await g.list(req)
    rows = await display_rows(g, page.rows, columns, principal_of(request))
    query = query_dict(params)
    principal = g.principal
    views_on = not req.trash and store.enabled(g.kernel, principal)
    return {
        "rows": rows, "columns": columns, "page": page, "query": query, "trash": req.trash,
        "list_url": f"{g.entity.url}/{'trash' if req.trash else ''}",
        "column_choices": column_choices(g),
        "chosen": [f.name for f in columns],
        # Filters for the shown columns, and for any field the URL filters on even if its column is hidden.
        "filters": filter_controls(columns + [g.fields[n] for n in dict.fromkeys(f.field for f in req.filters)
                                              if n in g.fields and g.fields[n] not in columns], query),
        "sorted": sort_marks(req.sort, g.entity.order),
        # The view's state without its page position: what "save view" stores.
        "state": urlencode(state_pairs(params)),
        "views": await store.visible_views(g) if views_on else None,
        "current_view": params.get("view", ""),
        "can_save_view": views_on and principal.can(store.WRITE),
        "can_share_view": views_on and principal.can(store.SHARE),
        "can_create": not req.trash and principal.can(g.entity.permission("create")),
        "export_url": None if req.trash else export_url(request, g, urlencode(state_pairs(params))),
    }


def export_url(request, g, state: str) -> str | None:
    """The export of this very view (core.dataio's route), when it exists here and the user may export."""
    if not g.principal.can(g.entity.permission("export")):
        return None
    # route_reverse cannot fill a path parameter called "name": ask only whether the route is there.
    if request.app.get_handler_index_by_name("core:export") is None:
        return None
    path = f"/export/{g.entity.plugin}/{g.entity.name}"
    return f"{path}?{state}" if state else path  # a form's action: the format is its button

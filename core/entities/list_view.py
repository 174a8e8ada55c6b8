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
        elif f.type == "reference":
            controls.append({"field": f, "kind": "reference", "name": f.name, "value": query.get(f.name, "")})
        elif f.type in RANGED:
            low, high = f"{f.name}__gte", f"{f.name}__lte"
            controls.append({"field": f, "kind": "range", "input": RANGED[f.type], "low": low, "high": high,
                             "low_value": query.get(low, ""), "high_value": query.get(high, "")})
    return controls


async def resolve_picked(request, g):
    """The list's query with each reference filter typed without choosing (a picker without
    JavaScript: ``client__pick=Acme``) resolved to the record it names; and why not, per field."""
    from core.entities.query_params import QueryPairs
    from core.entities.picker import picked_text, resolve

    params = request.query_params
    items = params.multi_items() if hasattr(params, "multi_items") else list(params.items())
    picked = {k[: -len("__pick")] for k, _v in items if k.endswith("__pick")}
    if not picked:
        return params, {}
    out, errors = [], {}
    typed = {name: picked_text(params, name) for name in picked}
    for key, value in items:
        name = key.rpartition("__")[0] if key.endswith(("__pick", "__was")) else key
        if name in picked and (key != name or typed[name] is not None):
            continue  # the picker's own inputs, and an id the typed text replaces
        out.append((key, value))
    for name, text in typed.items():
        spec = g.fields.get(name)
        if text is None or spec is None or spec.type != "reference":
            continue
        found = await resolve(g.kernel, g.principal, spec, text)
        if getattr(found, "problem", None):
            errors[name] = {"text": str(found), "error": found.problem}
        elif found is not None:
            out.append((name, str(found)))
    return QueryPairs(out), errors


async def _picked_titles(g, filters: list[dict], errors: dict) -> None:
    """Each reference filter's chosen record by title (one query per referenced entity)."""
    from core.entities.values import reference_titles

    refs = [c for c in filters if c["kind"] == "reference"]
    if not refs:
        return
    titles = await reference_titles(g, [{c["name"]: c["value"] for c in refs if c["value"]}], [c["field"] for c in refs], g.principal)
    for c in refs:
        problem = errors.get(c["name"])
        c["title"] = problem["text"] if problem else titles.get(c["name"], {}).get(str(c["value"]), "")
        c["error"] = problem["error"] if problem else ""
        if problem:
            c["value"] = ""


def sort_marks(sort: list[str], default: tuple[str, ...]) -> dict[str, str]:
    """aria-sort values for the column the list is sorted by first."""
    first = (sort or list(default) or [""])[0]
    if not first:
        return {}
    return {first.lstrip("-"): "descending" if first.startswith("-") else "ascending"}


async def list_context(request, g, *, trash: bool) -> dict:
    from core.saved_views import store

    params, pick_errors = await resolve_picked(request, g)
    req = widen_dates(g, list_request(params))
    req.trash = req.trash or trash
    columns = chosen_columns(g, params)
    # Only what the rows show is read (a sparse page): a row's id, version and title, and its cells.
    shown = [n for n in ("id", "version", g.entity.title_field) if g.readable(n)] + [f.name for f in columns]
    req.fields = list(dict.fromkeys(shown))
    page = await g.list(req)
    rows = await display_rows(g, page.rows, columns, principal_of(request))
    query = query_dict(params)
    principal = g.principal
    views_on = not req.trash and store.enabled(g.kernel, principal)
    filters = filter_controls(columns + [g.fields[n] for n in dict.fromkeys(f.field for f in req.filters)
                                         if n in g.fields and g.fields[n] not in columns], query)
    await _picked_titles(g, filters, pick_errors)
    return {
        "rows": rows, "columns": columns, "page": page, "query": query, "trash": req.trash,
        "list_url": f"{g.entity.url}/{'trash' if req.trash else ''}",
        "column_choices": column_choices(g),
        "chosen": [f.name for f in columns],
        # Filters for the shown columns, and for any field the URL filters on even if its column is hidden.
        "filters": filters,
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

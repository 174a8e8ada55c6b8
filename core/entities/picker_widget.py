"""What a picker widget needs to render: where its suggestions come from, whether it offers
"create new", and the title of the record a field holds now (forms show names, never ids).

``with_picks`` runs before a form is rendered (record form, quick create, inline
edit): one query per referenced entity for the titles of the values the form
shows. Text that named no record (:class:`core.entities.picker.Unresolved`)
comes back as typed, with no id, next to its error.
"""

from __future__ import annotations

from core.entities.picker import DIRECTORY, USER
from core.permissions.request import principal_of


def picker_for(request, field, entity=None, creating: bool = False) -> dict:
    """The widget's settings for ``field`` of ``entity`` (a template global); ``entity``
    only when the field's responsible user is being assigned, ``creating`` for a new record."""
    kernel = request.app.state.kernel
    target = field.reference
    plugin, name = target.split(".", 1)
    source = f"/pick/{plugin}/{name}"
    if target == USER and entity is not None and field.name == entity.owner_field:
        source += f"?for={entity.key}" + ("&new=1" if creating else "")
    create = None
    other = kernel.entities.get(target)
    if target not in DIRECTORY and other is not None and principal_of(request).can(other.permission("create")):
        create = {"url": f"{other.url}/quick", "field": other.title_field}
    return {"source": source, "create": create}


def _picks_for(fields, values: dict, titles: dict) -> dict:
    picks = {}
    for f in fields:
        if f.type != "reference":
            continue
        value = values.get(f.name)
        if value in (None, ""):
            picks[f.name] = {"id": "", "title": ""}
        elif getattr(value, "problem", None):
            picks[f.name] = {"id": "", "title": str(value)}
        else:
            key = str(value)
            picks[f.name] = {"id": key, "title": titles.get(f.name, {}).get(key, "")}
    return picks


async def with_picks(gate, context: dict) -> dict:
    """``context`` plus ``picks``: field name -> {"id", "title"} of each reference the form shows."""
    from core.entities.values import reference_titles

    fields = [f for f in context.get("fields", []) if f.type == "reference"]
    if "f" in context and getattr(context["f"], "type", None) == "reference":
        fields.append(context["f"])  # inline edit: one field, its value under "value"
    values = dict(context.get("values") or {})
    if "f" in context:
        values[context["f"].name] = context.get("value")
    plain = [{f.name: values.get(f.name) for f in fields if values.get(f.name) and not getattr(values.get(f.name), "problem", None)}]
    titles = await reference_titles(gate, plain, fields, gate.principal) if fields else {}
    return {**context, "picks": _picks_for(fields, values, titles)}

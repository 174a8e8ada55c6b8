"""Form posts to gate input: what a browser sends, as the gate expects it.

Browsers omit unchecked checkboxes and send every text input even when empty,
so a form is read against the fields it showed: an empty input clears a
field, an absent checkbox is false, a multi-select arrives as a list.
A ``datetime-local`` input has no zone: what the user typed is read on
their own clock (the request's zone, :mod:`core.i18n.timezones`), so the
gate stores the UTC instant they meant.
A reference field is a picker (:mod:`core.entities.picker`): it posts the
chosen record's id, or — typed without choosing, or without JavaScript —
the text, resolved here to the one record it names (else a clear error).
"""

from __future__ import annotations

from typing import Any

from core.entities.picker import picker_keys, resolve_form
from core.entities.spec import Field
from core.i18n.timezones import from_input

CONTROL_KEYS = {"_csrf", "_version", "_fields", "_confirm"}  # _confirm: save despite warnings (warnings.py)


async def form_values(request, shown: list[Field], entity_key: str | None = None) -> tuple[dict[str, Any], int | None]:
    """The submitted values of the fields the form showed, and the version it was built from.

    ``entity_key``: the entity the form edits, so its responsible user is picked
    among the users the principal may assign (inferred from the URL when absent)."""
    form = await request.form()
    entity_key = entity_key or _entity_of(request)
    version_raw = form.get("_version")
    version = int(version_raw) if version_raw and str(version_raw).isdigit() else None
    names = {f.name for f in shown}
    data: dict[str, Any] = {}
    for field in shown:
        if field.type == "boolean":
            data[field.name] = field.name in form
        elif field.type == "multi_choice":
            data[field.name] = form.getall(field.name) if hasattr(form, "getall") else form.get(field.name, [])
        elif field.name in form:
            value = form.get(field.name)
            if value == "":
                data[field.name] = None
            elif field.type == "datetime":
                data[field.name] = from_input(value)
            else:
                data[field.name] = value
    for field in shown:
        if field.type == "reference" and f"{field.name}__pick" in form:
            data[field.name] = await _picked(request, form, field, entity_key)
            names.update(picker_keys(field.name))
    # Keys the form did not show are passed on, so the gate refuses them (mass assignment).
    for key in form.keys():
        if key not in names and key not in CONTROL_KEYS:
            data[key] = form.get(key)
    return data, version


def _entity_of(request) -> str | None:
    """The entity whose pages serve this request (``/contacts/task/...`` → contacts.task)."""
    parts = request.url.path.strip("/").split("/")
    key = ".".join(parts[:2]) if len(parts) >= 2 else ""
    return key if key in request.app.state.kernel.entities else None


async def _picked(request, form, field: Field, entity_key: str | None) -> Any:
    from core.permissions.request import principal_of

    kernel = request.app.state.kernel
    owner = entity_key and field.reference == "core.user" and kernel.entities[entity_key].owner_field == field.name
    creating = request.url.path.rstrip("/").count("/") <= 2 or request.url.path.endswith("/quick")  # /plugin/entity/ or .../quick
    return await resolve_form(kernel, principal_of(request), form, field, entity_key if owner else None, creating)

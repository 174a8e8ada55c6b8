"""Form posts to gate input: what a browser sends, as the gate expects it.

Browsers omit unchecked checkboxes and send every text input even when empty,
so a form is read against the fields it showed: an empty input clears a
field, an absent checkbox is false, a multi-select arrives as a list.
A ``datetime-local`` input has no zone: what the user typed is read on
their own clock (the request's zone, :mod:`core.i18n.timezones`), so the
gate stores the UTC instant they meant.
"""

from __future__ import annotations

from typing import Any

from core.entities.spec import Field
from core.i18n.timezones import from_input

CONTROL_KEYS = {"_csrf", "_version", "_fields", "_confirm"}  # _confirm: save despite warnings (warnings.py)


async def form_values(request, shown: list[Field]) -> tuple[dict[str, Any], int | None]:
    """The submitted values of the fields the form showed, and the version it was built from."""
    form = await request.form()
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
    # Keys the form did not show are passed on, so the gate refuses them (mass assignment).
    for key in form.keys():
        if key not in names and key not in CONTROL_KEYS:
            data[key] = form.get(key)
    return data, version

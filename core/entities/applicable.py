"""Fields that apply to a record: the ``inapplicable_fields`` hook, asked by record pages and forms.

A plugin may say that some fields do not apply to a record with given
values (a product's properties of another category); pages and forms leave
them out. Stored values are not touched: a form that does not show a field
does not send it, so an update never writes it.
"""

from __future__ import annotations

import inspect


async def applicable(gate, fields: list, values: dict | None) -> list:
    """``fields`` without those the plugins say do not apply to a record with ``values``."""
    kernel = gate.kernel
    hidden: set[str] = set()
    for result in kernel.hook.inapplicable_fields(kernel=kernel, entity=gate.entity, values=dict(values or {}),
                                                  principal=gate.principal):
        result = await result if inspect.isawaitable(result) else result
        hidden.update(result or ())
    return [f for f in fields if f.name not in hidden] if hidden else list(fields)

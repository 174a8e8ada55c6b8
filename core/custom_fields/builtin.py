"""Core's custom-field contributions through the public hooks: the REST API,
the administration screen and its menu entry (only with the
``core.custom_fields`` feature, which the permissions and routes carry), and
the custom reference values that follow a merge of records (always: values
stored before the feature was switched off must stay consistent too)."""

from __future__ import annotations

from core.hooks import hookimpl
from core.hooks.contributions import MenuItem


@hookimpl
def register_routes(kernel):
    from core.custom_fields.api import FieldsAPI
    from core.custom_fields.web import ROUTES

    return [FieldsAPI, *ROUTES]


@hookimpl
def menu_items(kernel, request):
    return [
        MenuItem(
            key="custom_fields",
            label={"en": "Custom fields", "ru": "Доп. поля"},
            url="/admin/fields",
            order=910,
            permission="core.field.read",
            feature="core.custom_fields",
            parent="admin",
        )
    ]


@hookimpl
async def merge_records(kernel, entity, survivor_id, merged_ids):
    """Custom reference values pointing at merged records follow them (any entity's merge)."""
    from core.custom_fields.merging import reference_moves

    return await reference_moves(kernel, entity, list(merged_ids))

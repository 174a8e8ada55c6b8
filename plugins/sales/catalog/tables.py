"""The catalogue's own bookkeeping table: which custom fields of products are properties of which category."""

from piccolo.columns import UUID, ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.entities.base import new_id
from plugins.sales.tables import Category


class CategoryProperty(Table, tablename="sales_category_property"):
    """A custom field of ``sales.product`` that applies to the products of ``category`` and of its
    subcategories only (plugins/sales/catalog/properties.py). Read and written with its category's
    permissions; a field no row names applies to every product, as any custom field does."""

    id = UUID(primary_key=True, default=new_id)
    category = ForeignKey(references=Category, null=False, on_delete=OnDelete.cascade, index=True)
    field = Varchar(length=63)  # the custom field's name (core_custom_field.name for entity sales.product)
    created_at = Timestamptz(default=TimestamptzNow())
    created_by = UUID(null=True, default=None)

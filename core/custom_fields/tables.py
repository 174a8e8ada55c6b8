"""The table of custom field definitions (one row per field of an entity)."""

from piccolo.columns import JSON, UUID, Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.entities.base import new_id


class CustomField(Table, tablename="core_custom_field"):
    """A custom field of an entity; its values live in the rows' ``custom`` column.

    ``default`` and ``choices`` are JSON text written and read by
    :mod:`core.custom_fields.definitions` (the default in its storage form,
    choices as ``[{"value": ..., "label": {"en": ..., "ru": ...}}]``).
    ``min_value``/``max_value`` are decimal strings, so limits stay exact.
    ``retired_at`` hides the field everywhere while its data is kept.

    (entity, name) is unique through an index made by a hand-written migration
    (``..._custom_fields_sql``): Piccolo 1.38 emits a ``Unique`` constraint as
    ``ALTER TABLE ... ADD CONSTRAINT``, which SQLite does not support.
    """

    id = UUID(primary_key=True, default=new_id)
    entity = Varchar(length=100)
    name = Varchar(length=63)
    type = Varchar(length=20)
    label_en = Varchar(length=200)
    label_ru = Varchar(length=200, default="")
    required = Boolean(default=False)
    default = JSON(null=True, default=None)
    choices = JSON(default=[])
    reference = Varchar(length=100, null=True, default=None)
    min_value = Varchar(length=50, null=True, default=None)
    max_value = Varchar(length=50, null=True, default=None)
    max_length = Integer(null=True, default=None)
    pattern = Text(null=True, default=None)
    unique = Boolean(default=False)
    indexed = Boolean(default=False)
    position = Integer(default=0)
    retired_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    created_by = UUID(null=True, default=None)

"""Flash messages (core.web.flash): the ``core_flash`` table, one row per
message waiting for a session's next page ("Saved", "Deleted — Undo")."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import UUID, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod

from core.entities.base import new_id

ID = "2026-12-07T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "flash_messages"

TABLE = {"table_class_name": "Flash", "tablename": "core_flash", "schema": None}


def _params(**params) -> dict:
    return {"default": "", "null": False, "primary_key": False, "unique": False, "index": False,
            "index_method": IndexMethod.btree, "choices": None, "db_column_name": None, "secret": False, **params}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)
    manager.add_table(class_name="Flash", tablename="core_flash", schema=None, columns=None)
    columns = [
        ("id", UUID, _params(default=new_id, primary_key=True)),
        ("session_id", Varchar, _params(length=64, index=True)),
        ("created_at", Timestamptz, _params(default=TimestamptzNow(), index=True)),
        ("level", Varchar, _params(length=16, default="success")),
        ("text", Text, _params()),
        ("details", Text, _params()),
        ("action_url", Varchar, _params(length=500)),
        ("action_label", Varchar, _params(length=100)),
    ]
    for name, column_class, params in columns:
        manager.add_column(**TABLE, column_name=name, db_column_name=name, column_class_name=column_class.__name__,
                           column_class=column_class, params=params)
    return manager

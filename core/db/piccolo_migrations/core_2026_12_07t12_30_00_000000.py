"""The login throttle's counts (core.auth.throttle): the ``core_login_counter``
table, one row per rule and key, updated by one atomic UPSERT per attempt."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer, Timestamptz, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-07T12:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "login_counter"

TABLE = {"table_class_name": "LoginCounter", "tablename": "core_login_counter", "schema": None}


def _params(**params) -> dict:
    return {"default": "", "null": False, "primary_key": False, "unique": False, "index": False,
            "index_method": IndexMethod.btree, "choices": None, "db_column_name": None, "secret": False, **params}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)
    manager.add_table(class_name="LoginCounter", tablename="core_login_counter", schema=None, columns=None)
    columns = [
        ("key", Varchar, _params(length=400, primary_key=True)),
        ("failures", Integer, _params(default=0)),
        ("last_at", Timestamptz, _params(default=None, null=True)),
        ("previous_at", Timestamptz, _params(default=None, null=True)),
    ]
    for name, column_class, params in columns:
        manager.add_column(**TABLE, column_name=name, db_column_name=name, column_class_name=column_class.__name__,
                           column_class=column_class, params=params)
    return manager

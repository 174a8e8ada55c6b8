"""Matching and undo of import runs.

* ``core_dataio_run``: ``on_match`` (update, skip or create: what a row that
  matches a stored record does), the ``skipped`` and ``ambiguous`` counters,
  ``undone_at`` (an undone run), ``runner`` (host and process id of a
  command-line run, so a run whose process died is seen as failed).
* ``core_dataio_touched`` (run, record) -> what the run did to the record:
  created, or updated from these previous values; ``version`` is the
  record's version the run left, so an undo can tell that nothing changed it
  since. Hand-written: a composite primary key, ``WITHOUT ROWID`` on SQLite.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer, Timestamptz, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-07T15:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "import matching and undo"

COMMON = {"null": False, "primary_key": False, "unique": False, "index": False, "index_method": IndexMethod.btree,
          "choices": None, "db_column_name": None, "secret": False}


def touched_sql(postgres: bool) -> str:
    uuid = "uuid" if postgres else "TEXT"
    rowid = "" if postgres else " WITHOUT ROWID"
    return (f'CREATE TABLE IF NOT EXISTS "core_dataio_touched" ("run_id" {uuid} NOT NULL, "record_id" {uuid} NOT NULL, '
            f'"op" VARCHAR(1) NOT NULL, "version" INTEGER NOT NULL, "old_values" TEXT, "old_custom" TEXT, '
            f'"old_search" TEXT, PRIMARY KEY ("run_id", "record_id")){rowid}')


async def run_sql():
    from piccolo.engine import engine_finder
    from piccolo.engine.postgres import PostgresEngine

    engine = engine_finder()
    await engine.run_ddl(touched_sql(isinstance(engine, PostgresEngine)))


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core_dataio", description=DESCRIPTION)
    columns = [
        ("on_match", Varchar, {"length": 8, "default": "update"}),
        ("skipped", Integer, {"default": 0}),
        ("ambiguous", Integer, {"default": 0}),
        ("undone_at", Timestamptz, {"default": None, "null": True}),
        ("runner", Varchar, {"length": 200, "default": ""}),
    ]
    for name, kind, params in columns:
        manager.add_column(table_class_name="ImportRun", tablename="core_dataio_run", column_name=name, db_column_name=name,
                           column_class_name=kind.__name__, column_class=kind, params={**COMMON, **params}, schema=None)
    manager.add_raw(run_sql)
    return manager

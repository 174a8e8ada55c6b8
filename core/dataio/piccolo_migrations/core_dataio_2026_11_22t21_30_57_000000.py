"""Hand-written tables and indexes of the import (see core/dataio/tables.py).

* ``core_dataio_seen`` (run, key) -> first line: one primary-key lookup per
  row tells a key already seen in this file; emptied when the run ends.
* ``core_dataio_xkey`` (entity, key) -> record: the external key a source
  system gave a record, for upserts by a key that is no field of the entity.
* ``(run_id, line)`` on rejected rows: the rejected-rows file in file order.
* ``(entity, name)`` unique on mapping templates: one template per name.

Composite primary keys, ``WITHOUT ROWID`` on SQLite (the key is the row), and
``uuid`` columns on PostgreSQL (Piccolo stores UUIDs as text on SQLite).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-22T21:30:57:000000"
VERSION = "1.38.0"
DESCRIPTION = "import scratch tables and indexes"


def statements(postgres: bool) -> list[str]:
    uuid = "uuid" if postgres else "TEXT"
    rowid = "" if postgres else " WITHOUT ROWID"
    return [
        f'CREATE TABLE IF NOT EXISTS "core_dataio_seen" ("run_id" {uuid} NOT NULL, "key" TEXT NOT NULL, '
        f'"line" INTEGER NOT NULL, PRIMARY KEY ("run_id", "key")){rowid}',
        f'CREATE TABLE IF NOT EXISTS "core_dataio_xkey" ("entity" VARCHAR(80) NOT NULL, "key" TEXT NOT NULL, '
        f'"record_id" {uuid} NOT NULL, PRIMARY KEY ("entity", "key")){rowid}',
        'CREATE INDEX IF NOT EXISTS "core_dataio_reject_run_line" ON "core_dataio_reject" ("run_id", "line")',
        'CREATE UNIQUE INDEX IF NOT EXISTS "core_dataio_mapping_entity_name" ON "core_dataio_mapping" ("entity", "name")',
    ]


async def run_sql():
    from piccolo.engine import engine_finder
    from piccolo.engine.postgres import PostgresEngine

    engine = engine_finder()
    for statement in statements(isinstance(engine, PostgresEngine)):
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core_dataio", description=DESCRIPTION)
    manager.add_raw(run_sql)
    return manager

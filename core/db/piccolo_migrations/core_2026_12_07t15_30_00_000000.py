"""The principal stamp (core.auth.stamp): ``core_principal_stamp``, one row whose
counter moves with every change a cached principal could depend on.

Only the table and its row are made here, in frozen SQL. The triggers that
move the counter follow the live table definitions, so ``migrate_instance``
installs them after every migration (``ensure_stamp``); this migration being
pending is what makes ``klientela serve`` ask for ``db migrate`` first.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T15:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "principal_stamp"


async def run_sql():
    from piccolo.engine import engine_finder

    engine = engine_finder()
    await engine.run_ddl("CREATE TABLE IF NOT EXISTS core_principal_stamp (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)")
    await engine.run_ddl("INSERT INTO core_principal_stamp (id, n) VALUES (1, 0) ON CONFLICT (id) DO NOTHING")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)
    manager.add_raw(run_sql)
    return manager

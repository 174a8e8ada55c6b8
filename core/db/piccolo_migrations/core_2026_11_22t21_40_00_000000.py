"""``core_user.language``: "" now means "not chosen" (the request's language is
negotiated: cookie, then Accept-Language, then the instance default — see
core/i18n/negotiate.py); "en" or "ru" is the user's own choice.

Until this migration no screen could set the column, so every "en" in it is
the old default rather than a choice: it becomes "". Hand-written because
SQLite cannot change a column default (Piccolo supplies the default on insert
there); PostgreSQL gets the new default for rows inserted by raw SQL.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-22T21:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "user_language_unset"


async def run_sql():
    from piccolo.engine import engine_finder

    engine = engine_finder()
    if engine.engine_type == "postgres":
        await engine.run_ddl("ALTER TABLE core_user ALTER COLUMN language SET DEFAULT ''")
    await engine.run_ddl("UPDATE core_user SET language = '' WHERE language = 'en'")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)
    manager.add_raw(run_sql)
    return manager

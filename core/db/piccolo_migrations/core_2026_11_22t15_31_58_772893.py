"""Hand-written SQL for custom fields (Piccolo's auto-migrations see neither of these).

* The unique index on ``core_custom_field (entity, name)``: Piccolo 1.38 emits
  a ``Unique`` constraint as ``ALTER TABLE ... ADD CONSTRAINT``, which SQLite
  does not support, so the index is made here, the same on both engines.
* On PostgreSQL, two IMMUTABLE wrappers for the casts of custom date and
  datetime values. Casting text to ``date``/``timestamptz`` is only STABLE
  (it may depend on DateStyle/TimeZone), so it cannot appear in an index
  expression. Custom values are stored in one canonical ISO form
  (``YYYY-MM-DD``, ``YYYY-MM-DDTHH:MM:SS.ffffffZ``) whose parsing depends on
  neither setting, so the wrappers are honestly immutable.
  ``core.custom_fields.sql`` uses them in queries and indexes alike.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-22T15:31:58:772893"
VERSION = "1.38.0"
DESCRIPTION = "custom_fields_sql"

UNIQUE_INDEX = (
    'CREATE UNIQUE INDEX IF NOT EXISTS "core_custom_field_entity_name" '
    'ON "core_custom_field" ("entity", "name")'
)
PG_FUNCTIONS = (
    "CREATE OR REPLACE FUNCTION klientela_cf_date(text) RETURNS date "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1::date $$",
    "CREATE OR REPLACE FUNCTION klientela_cf_timestamptz(text) RETURNS timestamptz "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT $1::timestamptz $$",
)


async def run_sql():
    from piccolo.engine import engine_finder

    engine = engine_finder()
    statements = [UNIQUE_INDEX]
    if engine.engine_type == "postgres":
        statements += PG_FUNCTIONS
    for statement in statements:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)
    manager.add_raw(run_sql)
    return manager

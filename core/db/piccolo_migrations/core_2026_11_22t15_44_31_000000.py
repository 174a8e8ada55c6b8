"""Hand-written indexes for the auth tables (Piccolo's auto-migrations make
single-column indexes only, and run raw SQL before creating tables, hence a
migration of its own after ``auth``).

* Unique pairs: a user is in a team once, holds a role once; a role grants a
  permission once and has one rule per entity field.
* ``core_login_attempt (email, at)`` and ``(ip, at)``: the throttle counts
  recent failures per account and per address.
* On PostgreSQL, ``core_department (path varchar_pattern_ops)``: serves the
  subtree query ``path LIKE '<prefix>%'`` whatever the database collation
  (SQLite uses the plain index with a range on the binary collation).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-22T15:44:31:000000"
VERSION = "1.38.0"
DESCRIPTION = "auth_sql"

BOTH = (
    'CREATE UNIQUE INDEX IF NOT EXISTS "core_team_member_team_user" ON "core_team_member" ("team", "user")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "core_user_role_user_role" ON "core_user_role" ("user", "role")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "core_role_grant_role_permission" ON "core_role_grant" ("role", "permission")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "core_role_field_rule_role_entity_field" ON "core_role_field_rule" ("role", "entity", "field")',
    'CREATE INDEX IF NOT EXISTS "core_login_attempt_email_at" ON "core_login_attempt" ("email", "at")',
    'CREATE INDEX IF NOT EXISTS "core_login_attempt_ip_at" ON "core_login_attempt" ("ip", "at")',
)
POSTGRES = ('CREATE INDEX IF NOT EXISTS "core_department_path_prefix" ON "core_department" ("path" varchar_pattern_ops)',)


async def run_sql():
    from piccolo.engine import engine_finder

    engine = engine_finder()
    statements = list(BOTH)
    if engine.engine_type == "postgres":
        statements += POSTGRES
    for statement in statements:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)
    manager.add_raw(run_sql)
    return manager

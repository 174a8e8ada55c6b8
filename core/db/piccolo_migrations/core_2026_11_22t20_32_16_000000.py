"""Hand-written indexes for ``core_job`` (Piccolo's auto-migrations make
single-column indexes only, and run raw SQL before creating tables, hence a
migration of its own after ``jobs``).

* ``(status, run_at)``: the in-process worker's claim ("the oldest due
  waiting job") and the stalled-job sweep read only this index.
* ``(user_id, created_at)``: a user's own jobs, newest first (the jobs page).
* ``(created_at)``: everybody's jobs, newest first (administrators).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-22T20:32:16:000000"
VERSION = "1.38.0"
DESCRIPTION = "jobs_sql"

STATEMENTS = (
    'CREATE INDEX IF NOT EXISTS "core_job_status_run_at" ON "core_job" ("status", "run_at")',
    'CREATE INDEX IF NOT EXISTS "core_job_user_id_created_at" ON "core_job" ("user_id", "created_at")',
    'CREATE INDEX IF NOT EXISTS "core_job_created_at" ON "core_job" ("created_at")',
)


async def run_sql():
    from piccolo.engine import engine_finder

    engine = engine_finder()
    for statement in STATEMENTS:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)
    manager.add_raw(run_sql)
    return manager

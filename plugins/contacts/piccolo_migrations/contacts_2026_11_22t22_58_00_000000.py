"""A reminder is claimed once: unique (entity, record, user, due time), so two reminder
jobs running at once (a schedule tick and a manual run) cannot both deliver it."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-22T22:58:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "reminder_sent_unique"

SQL = ('CREATE UNIQUE INDEX IF NOT EXISTS "contacts_reminder_sent_once" '
       'ON "contacts_reminder_sent" ("entity", "record_id", "user_id", "due_at")')


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="contacts", description=DESCRIPTION)

    async def create_index():
        from plugins.contacts.tables import ReminderSent

        await ReminderSent._meta.db.run_ddl(SQL)

    async def drop_index():
        from plugins.contacts.tables import ReminderSent

        await ReminderSent._meta.db.run_ddl('DROP INDEX IF EXISTS "contacts_reminder_sent_once"')

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager

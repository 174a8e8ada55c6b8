"""Custom field definitions are kept per worker behind the principal stamp
(``core.auth.stamped_cache``), so ``core_custom_field`` gets the stamp's triggers.

Nothing to do here: ``migrate_instance`` installs the triggers after every
migration (``ensure_stamp``, from ``core.auth.stamp.watched_tables``). This
migration being pending is what makes ``klientela serve`` ask for
``db migrate`` first, so no worker caches definitions the stamp does not watch.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T19:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "custom_field_definitions_stamped"


async def nothing():
    """The triggers follow the live table definitions: ``ensure_stamp`` runs after every migration."""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)
    manager.add_raw(nothing)
    return manager

"""The contacts plugin's Piccolo app: its tables and its own migrations."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from plugins.contacts.dedupe.tables import DedupeMatch, DedupeMerge, DedupeScan
from plugins.contacts.tables import (
    CalendarToken, Client, Contact, ContactLink, Event, Interaction, QualityField, ReminderSent, Task,
)

APP_CONFIG = AppConfig(
    app_name="contacts",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Client, Contact, ContactLink, Interaction, Task, Event, ReminderSent, CalendarToken, QualityField,
                   DedupeScan, DedupeMatch, DedupeMerge],
    migration_dependencies=["core.db.piccolo_app"],
)

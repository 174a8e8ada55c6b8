"""The notes plugin's Piccolo app: its table and its own migrations."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from klientela_notes.tables import Note

APP_CONFIG = AppConfig(
    app_name="notes",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Note],
    migration_dependencies=["core.db.piccolo_app", "plugins.contacts.piccolo_app"],
)

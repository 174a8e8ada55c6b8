"""The marketing plugin's Piccolo app: its tables and its own migrations."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from plugins.marketing.tables import Campaign

APP_CONFIG = AppConfig(
    app_name="marketing",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Campaign],
    migration_dependencies=["core.db.piccolo_app", "plugins.contacts.piccolo_app"],
)

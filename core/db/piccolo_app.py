"""Core's own Piccolo app: the tables core owns, and their migrations."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.auth.tables import User

APP_CONFIG = AppConfig(
    app_name="core",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[User],
    migration_dependencies=[],
)

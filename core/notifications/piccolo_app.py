"""Core's notifications as their own Piccolo app (migrations apart from users and roles)."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.notifications.tables import Notification

APP_CONFIG = AppConfig(
    app_name="core_notifications",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Notification],
    migration_dependencies=["core.db.piccolo_app"],
)

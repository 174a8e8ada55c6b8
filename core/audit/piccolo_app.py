"""Core's audit trail as its own Piccolo app (migrations apart from users and roles)."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.audit.tables import AuditChange

APP_CONFIG = AppConfig(
    app_name="core_audit",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[AuditChange],
    migration_dependencies=["core.db.piccolo_app"],
)

"""Document templates as their own Piccolo app (migrations apart from core's other tables)."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.documents.tables import DocumentTemplate

APP_CONFIG = AppConfig(
    app_name="core_documents",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[DocumentTemplate],
    migration_dependencies=["core.db.piccolo_app"],
)

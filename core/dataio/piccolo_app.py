"""Import/export bookkeeping as its own Piccolo app (migrations apart from core's other tables)."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.dataio.tables import ImportRun, MappingTemplate, RejectedRow

APP_CONFIG = AppConfig(
    app_name="core_dataio",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[ImportRun, RejectedRow, MappingTemplate],
    migration_dependencies=["core.db.piccolo_app"],
)

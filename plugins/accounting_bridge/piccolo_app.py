"""The accounting_bridge plugin's Piccolo app: its tables and its own migrations."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from plugins.accounting_bridge.tables import Peer

APP_CONFIG = AppConfig(
    app_name="accounting_bridge",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Peer],
    migration_dependencies=["core.db.piccolo_app", "plugins.contacts.piccolo_app", "plugins.sales.piccolo_app"],
)

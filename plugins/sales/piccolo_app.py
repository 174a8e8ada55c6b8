"""The sales plugin's Piccolo app: its tables and its own migrations."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from plugins.sales.discounts.tables import DiscountRule
from plugins.sales.tables import Category, Deal, DealLine, DealStageLog, Pipeline, Price, PriceType, Product, Stage

APP_CONFIG = AppConfig(
    app_name="sales",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Category, Product, PriceType, Price, Pipeline, Stage, Deal, DealLine, DealStageLog, DiscountRule],
    migration_dependencies=["core.db.piccolo_app", "plugins.contacts.piccolo_app"],
)

"""Tables of the sales plugin (names prefixed ``sales_``)."""

from piccolo.columns import Varchar

from core.entities.base import EntityTable


class Product(EntityTable, tablename="sales_product"):
    name = Varchar(length=300)
    sku = Varchar(length=64, default="")
    unit = Varchar(length=16, default="pcs")

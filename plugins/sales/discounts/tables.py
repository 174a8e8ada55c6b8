"""``sales_discount_rule``: one automatic discount rule, its conditions and its percent.

Every condition is optional: an empty one does not narrow the rule. Money
is ``Numeric(14, 2)``, quantities three places and the percent two, as on
deal lines (plugins/sales/tables.py), so a line's discount is computed from
exactly what the rule says.
"""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Numeric, OnDelete, Text, Varchar

from core.entities.base import EntityTable
from plugins.sales.tables import MONEY, PERCENT, QUANTITY, Category, Product


class DiscountRule(EntityTable, tablename="sales_discount_rule"):
    name = Varchar(length=300)
    active = Boolean(default=True)
    percent = Numeric(digits=PERCENT, null=True, default=None)
    # Where the combination is "by priority", the highest priority that applies wins.
    priority = Integer(default=0)
    valid_from = Date(null=True, default=None)  # inclusive; empty: from always
    valid_to = Date(null=True, default=None)  # inclusive; empty: for ever
    # The client: its classification, its importance, a segment (a filter of the
    # client list, custom fields included) and one field's value.
    client_type = Varchar(length=32, default="")
    importance = Varchar(length=16, default="")
    client_filter = Text(default="")
    client_field = Varchar(length=64, default="")
    client_field_value = Varchar(length=300, default="")
    # What is sold: one product, or any product of a category or its subcategories.
    product = ForeignKey(references=Product, null=True, default=None, on_delete=OnDelete.cascade)
    category = ForeignKey(references=Category, null=True, default=None, on_delete=OnDelete.cascade)
    # Thresholds: the line's quantity, the line's amount, the whole document's amount
    # (amounts before discounts).
    min_quantity = Numeric(digits=QUANTITY, null=True, default=None)
    min_line_amount = Numeric(digits=MONEY, null=True, default=None)
    min_document_amount = Numeric(digits=MONEY, null=True, default=None)
    description = Text(default="")

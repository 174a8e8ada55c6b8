"""Tables of the sales plugin (names prefixed ``sales_``).

Two halves, declared together so their foreign keys have one order:

* the catalogue: product categories (a tree), products, price types and
  prices per product and price type with the date they take effect from;
* deals: pipelines and their stages (rows, so each pipeline has its own),
  deals, their product lines and the history of the stages a deal passed.

Money is ``Numeric(14, 2)`` (exact two places on both engines, see
docs/entities.md); quantities keep three places (kilograms, metres).
Entity tables are read and written through the query gate only; the
stage history is the plugin's own bookkeeping, read together with its deal.
"""

from piccolo.columns import UUID, Boolean, Date, ForeignKey, Integer, Numeric, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.entities.base import EntityTable, new_id
from plugins.contacts.tables import Client, Contact

MONEY = (14, 2)
QUANTITY = (15, 3)
PERCENT = (5, 2)


# --- the catalogue -------------------------------------------------------

class Category(EntityTable, tablename="sales_category"):
    """A node of the product category tree; properties (custom fields) can apply per category."""

    name = Varchar(length=300)
    parent = ForeignKey("self", null=True, default=None, on_delete=OnDelete.restrict, index=True)
    code = Varchar(length=64, default="")
    description = Text(default="")
    position = Integer(default=0)  # order among its siblings


class Product(EntityTable, tablename="sales_product"):
    name = Varchar(length=300)
    sku = Varchar(length=64, default="")  # the article
    unit = Varchar(length=16, default="796")  # OKEI code of the unit of measure (796 = piece, "шт")
    kind = Varchar(length=16, default="goods")  # goods | service | work
    category = ForeignKey(references=Category, null=True, default=None, on_delete=OnDelete.restrict, index=True)
    vat_rate = Varchar(length=8, default="22")  # a code of the VAT rates list ("22", "10", "0", "none", …)
    active = Boolean(default=True)
    description = Text(default="")


class PriceType(EntityTable, tablename="sales_price_type"):
    """A kind of price: our selling prices, purchase prices, a supplier's or a competitor's prices."""

    name = Varchar(length=200)
    purpose = Varchar(length=16, default="sale")  # sale | purchase | supplier | competitor
    currency = Varchar(length=3, default="RUB")  # ISO 4217
    vat_included = Boolean(default=True)
    counterparty = ForeignKey(references=Client, null=True, default=None, on_delete=OnDelete.set_null)  # whose prices
    is_default = Boolean(default=False)  # the price type new deal lines take their prices from


class Price(EntityTable, tablename="sales_price"):
    """One price of a product in a price type from a date on; the price on a date is the last one before it."""

    product = ForeignKey(references=Product, null=True, on_delete=OnDelete.restrict, index=True)
    price_type = ForeignKey(references=PriceType, null=True, on_delete=OnDelete.restrict, index=True)
    effective_from = Date()
    price = Numeric(digits=MONEY, null=True, default=None)
    note = Varchar(length=300, default="")  # where the price comes from: a price list, a letter, a call


# --- deals ---------------------------------------------------------------

class Pipeline(EntityTable, tablename="sales_pipeline"):
    """A sales process (new business, upsell…) with its own stages."""

    name = Varchar(length=200)
    position = Integer(default=0)
    active = Boolean(default=True)
    description = Text(default="")


class Stage(EntityTable, tablename="sales_stage"):
    """A stage of a pipeline; ``outcome`` says whether reaching it wins or loses the deal."""

    name = Varchar(length=200)
    pipeline = ForeignKey(references=Pipeline, null=True, on_delete=OnDelete.restrict, index=True)
    position = Integer(default=0)  # order within the pipeline; the board's columns follow it
    probability = Integer(default=0)  # default win probability of a deal here, 0-100
    outcome = Varchar(length=8, default="open")  # open | won | lost
    norm = Numeric(digits=PERCENT, null=True, default=None)  # reference funnel: share of a cohort reaching it, %


class Deal(EntityTable, tablename="sales_deal"):
    """A client interest: what they may buy, on a pipeline's stage."""

    name = Varchar(length=300)
    client = ForeignKey(references=Client, null=True, on_delete=OnDelete.restrict, index=True)
    contact = ForeignKey(references=Contact, null=True, default=None, on_delete=OnDelete.set_null)
    pipeline = ForeignKey(references=Pipeline, null=True, on_delete=OnDelete.restrict, index=True)
    stage = ForeignKey(references=Stage, null=True, on_delete=OnDelete.restrict, index=True)
    probability = Integer(default=0)
    amount = Numeric(digits=MONEY, null=True, default=None)  # the sum of the lines, kept by the plugin
    currency = Varchar(length=3, default="RUB")
    price_type = ForeignKey(references=PriceType, null=True, default=None, on_delete=OnDelete.set_null)
    expected_close = Date(null=True, default=None, index=True)
    closed_at = Timestamptz(null=True, default=None, index=True)  # when it reached a won or lost stage
    status = Varchar(length=8, default="open", index=True)  # open | won | lost: the outcome of its stage
    source = Varchar(length=200, default="")
    competitors = Text(default="")
    lost_reason = Text(default="")
    next_step = Varchar(length=500, default="")
    stage_entered_at = Timestamptz(null=True, default=None)


class DealLine(EntityTable, tablename="sales_deal_line"):
    """A product line of a deal; read and written with its deal's permissions."""

    deal = ForeignKey(references=Deal, null=True, on_delete=OnDelete.cascade, index=True)
    position = Integer(default=0)
    product = ForeignKey(references=Product, null=True, on_delete=OnDelete.restrict, index=True)
    quantity = Numeric(digits=QUANTITY, null=True, default=None)
    unit = Varchar(length=16, default="796")
    price = Numeric(digits=MONEY, null=True, default=None)
    discount_percent = Numeric(digits=PERCENT, null=True, default=None)
    discount_amount = Numeric(digits=MONEY, null=True, default=None)
    discount_rule = UUID(null=True, default=None)  # the automatic rule that gave the discount (discounts' own table)
    discount_manual = Boolean(default=False)  # set by hand rather than by a rule
    vat_rate = Varchar(length=8, default="22")
    amount = Numeric(digits=MONEY, null=True, default=None)  # quantity × price − discount


class DealStageLog(Table, tablename="sales_deal_stage_log"):
    """Each stage a deal entered, when and by whom: the stage history and the funnel's facts."""

    id = UUID(primary_key=True, default=new_id)
    deal = ForeignKey(references=Deal, null=False, on_delete=OnDelete.cascade, index=True)
    pipeline = UUID(null=True, default=None, index=True)
    stage = UUID(null=True, default=None, index=True)
    from_stage = UUID(null=True, default=None)
    entered_at = Timestamptz(default=TimestamptzNow(), index=True)
    author = UUID(null=True, default=None)

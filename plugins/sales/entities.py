"""The entities of the sales plugin: the catalogue and deals.

Core derives their lists, record pages, forms, REST API, import and export
from these declarations (docs/entities.md). Screens of the plugin's own
(price analysis, deal lines, the funnel) read through the same query gate.
"""

from core.entities.spec import Choice, Entity, Field, Relation, Section, label
from plugins.sales.tables import Category, Deal, Pipeline, Price, PriceType, Product, Stage
from plugins.sales.units import UNIT_CHOICES
from plugins.sales.vat import VAT_CHOICES


def choices(*items: tuple[str, str, str]) -> tuple[Choice, ...]:
    return tuple(Choice(value, label(en, ru)) for value, en, ru in items)


PRODUCT_KINDS = choices(("goods", "Goods", "Товар"), ("service", "Service", "Услуга"), ("work", "Work", "Работа"))
PRICE_PURPOSES = choices(
    ("sale", "Our selling price", "Наша цена продажи"), ("purchase", "Purchase price", "Цена закупки"),
    ("supplier", "Supplier's price", "Цена поставщика"), ("competitor", "Competitor's price", "Цена конкурента"),
)
OUTCOMES = choices(("open", "In progress", "В работе"), ("won", "Won", "Выиграна"), ("lost", "Lost", "Проиграна"))

CATEGORY = Entity(
    key="sales.category",
    table=Category,
    label=label("Product category", "Категория товаров"),
    plural=label("Product categories", "Категории товаров"),
    fields=(
        Field("name", "text", label("Name", "Наименование"), required=True, max_length=300),
        Field("parent", "reference", label("Parent category", "Родительская категория"), reference="sales.category"),
        Field("code", "text", label("Code", "Код"), max_length=64),
        Field("position", "integer", label("Order", "Порядок"), min_value=0, max_value=1_000_000, summable=False),
        Field("description", "long_text", label("Description", "Описание"), max_length=10000),
    ),
    list_columns=("name", "parent", "code"),
    search_fields=("name", "code"),
    order=("position", "name"),
    title_field="name",
)

PRODUCT = Entity(
    key="sales.product",
    table=Product,
    label=label("Product", "Номенклатура"),
    plural=label("Products and services", "Товары и услуги"),
    fields=(
        Field("name", "text", label("Name", "Наименование"), required=True, max_length=300),
        Field("sku", "text", label("Article", "Артикул"), max_length=64, indexed=True, prefix_filter=True),
        Field("kind", "choice", label("Kind", "Вид"), choices=PRODUCT_KINDS, default="goods", required=True),
        Field("category", "reference", label("Category", "Категория"), reference="sales.category"),
        Field("unit", "choice", label("Unit", "Единица измерения"), choices=UNIT_CHOICES, default="796", required=True),
        Field("vat_rate", "choice", label("VAT rate", "Ставка НДС"), choices=VAT_CHOICES, default="22", required=True),
        Field("active", "boolean", label("Active", "Используется"), default=True),
        Field("description", "long_text", label("Description", "Описание"), max_length=20000),
    ),
    list_columns=("name", "sku", "kind", "category", "unit", "vat_rate", "active"),
    search_fields=("name", "sku"),
    order=("name",),
    title_field="name",
    key_facts=("sku", "kind", "category", "unit", "vat_rate"),
    sections=(
        Section("product", label("Product", "Номенклатура"), ("name", "sku", "kind", "category", "unit", "vat_rate", "active")),
        Section("about", label("Description", "Описание"), ("description",)),
    ),
)

PRICE_TYPE = Entity(
    key="sales.price_type",
    table=PriceType,
    label=label("Price type", "Вид цен"),
    plural=label("Price types", "Виды цен"),
    fields=(
        Field("name", "text", label("Name", "Наименование"), required=True, max_length=200),
        Field("purpose", "choice", label("Purpose", "Назначение"), choices=PRICE_PURPOSES, default="sale", required=True),
        Field("currency", "text", label("Currency (ISO code)", "Валюта (код ISO)"), max_length=3, pattern=r"[A-Z]{3}",
              default="RUB", required=True),
        Field("vat_included", "boolean", label("Prices include VAT", "Цена включает НДС"), default=True),
        Field("counterparty", "reference", label("Supplier or competitor", "Поставщик или конкурент"), reference="contacts.client"),
        Field("is_default", "boolean", label("Default for deals", "По умолчанию в сделках"), default=False),
    ),
    list_columns=("name", "purpose", "currency", "vat_included", "counterparty", "is_default"),
    search_fields=("name",),
    order=("name",),
    title_field="name",
)

PRICE = Entity(
    key="sales.price",
    table=Price,
    label=label("Price", "Цена"),
    plural=label("Prices", "Цены"),
    fields=(
        Field("product", "reference", label("Product", "Номенклатура"), reference="sales.product", required=True),
        Field("price_type", "reference", label("Price type", "Вид цен"), reference="sales.price_type", required=True),
        Field("effective_from", "date", label("Effective from", "Действует с"), required=True, indexed=True),
        Field("price", "money", label("Price", "Цена"), required=True, min_value=0, summable=False),
    ),
    list_columns=("product", "price_type", "effective_from", "price"),
    order=("-effective_from",),
    title_field="effective_from",
)

PIPELINE = Entity(
    key="sales.pipeline",
    table=Pipeline,
    label=label("Pipeline", "Воронка"),
    plural=label("Pipelines", "Воронки"),
    fields=(
        Field("name", "text", label("Name", "Наименование"), required=True, max_length=200),
        Field("position", "integer", label("Order", "Порядок"), min_value=0, max_value=1_000_000, summable=False),
        Field("active", "boolean", label("Active", "Используется"), default=True),
        Field("description", "long_text", label("Description", "Описание"), max_length=10000),
    ),
    list_columns=("name", "active"),
    search_fields=("name",),
    order=("position", "name"),
    title_field="name",
    relations=(Relation("stages", "sales.stage", "pipeline", label("Stages", "Этапы")),),
)

STAGE = Entity(
    key="sales.stage",
    table=Stage,
    label=label("Stage", "Этап"),
    plural=label("Stages", "Этапы"),
    fields=(
        Field("name", "text", label("Name", "Наименование"), required=True, max_length=200),
        Field("pipeline", "reference", label("Pipeline", "Воронка"), reference="sales.pipeline", required=True),
        Field("position", "integer", label("Order", "Порядок"), min_value=0, max_value=1_000_000, summable=False),
        Field("probability", "integer", label("Probability, %", "Вероятность, %"), min_value=0, max_value=100, summable=False),
        Field("outcome", "choice", label("Outcome", "Итог"), choices=OUTCOMES, default="open", required=True),
        Field("norm", "decimal", label("Reference funnel norm, %", "Норматив эталонной воронки, %"), min_value=0,
              max_value=100, summable=False),
    ),
    list_columns=("pipeline", "position", "name", "probability", "outcome", "norm"),
    search_fields=("name",),
    # Each pipeline's stages together, in their order (the pipeline's page lists its own).
    order=("pipeline", "position"),
    title_field="name",
)

DEAL = Entity(
    key="sales.deal",
    table=Deal,
    label=label("Deal", "Сделка"),
    plural=label("Deals", "Сделки"),
    fields=(
        Field("name", "text", label("Deal", "Сделка"), required=True, max_length=300),
        Field("client", "reference", label("Client", "Клиент"), reference="contacts.client", required=True),
        Field("contact", "reference", label("Contact person", "Контактное лицо"), reference="contacts.contact"),
        Field("pipeline", "reference", label("Pipeline", "Воронка"), reference="sales.pipeline", required=True),
        Field("stage", "reference", label("Stage", "Этап"), reference="sales.stage", required=True),
        Field("probability", "integer", label("Probability, %", "Вероятность, %"), min_value=0, max_value=100, summable=False),
        Field("amount", "money", label("Amount", "Сумма"), readonly=True),
        Field("currency", "text", label("Currency (ISO code)", "Валюта (код ISO)"), max_length=3, pattern=r"[A-Z]{3}",
              default="RUB", required=True),
        Field("price_type", "reference", label("Price type", "Вид цен"), reference="sales.price_type"),
        Field("expected_close", "date", label("Expected close", "Плановая дата закрытия"), indexed=True),
        Field("status", "choice", label("Outcome", "Итог"), choices=OUTCOMES, default="open", readonly=True),
        Field("closed_at", "datetime", label("Closed", "Закрыта"), readonly=True),
        Field("source", "text", label("Source", "Источник"), max_length=200),
        Field("competitors", "long_text", label("Competitors", "Конкуренты"), max_length=4000),
        Field("lost_reason", "long_text", label("Reason lost", "Причина проигрыша"), max_length=4000),
        Field("next_step", "text", label("Next step", "Следующий шаг"), max_length=500),
    ),
    list_columns=("name", "client", "stage", "amount", "currency", "expected_close", "probability", "owner_id"),
    search_fields=("name",),
    order=("-created_at",),
    title_field="name",
    # The board: a pipeline's stages as columns (core/kanban/columns.py: the stage's pipeline
    # partitions it, one board per pipeline), amounts summed per currency.
    board_field="stage",
    board_sum="amount",
    board_currency="currency",
    key_facts=("stage", "amount", "client", "expected_close", "owner_id"),
    sections=(
        Section("deal", label("Deal", "Сделка"),
                ("name", "client", "contact", "pipeline", "stage", "probability", "expected_close", "owner_id")),
        Section("money", label("Amount", "Сумма"), ("amount", "currency", "price_type")),
        Section("outcome", label("Outcome", "Итог"), ("status", "closed_at", "next_step", "source", "competitors", "lost_reason")),
    ),
)

ENTITIES = [CATEGORY, PRODUCT, PRICE_TYPE, PRICE, PIPELINE, STAGE, DEAL]

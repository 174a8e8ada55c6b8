"""The entity ``sales.discount_rule``: core derives its list, record page, forms and API.

Conditions are grouped on the record page the way a person reads a rule:
whom it is for (the client), what (product or category), how much
(thresholds) and when (the period). The client's classification and
importance reuse the client card's own choices, so the labels match.
"""

from core.entities.spec import Entity, Field, Section, label
from plugins.contacts.entities import CLIENT_TYPES, IMPORTANCE
from plugins.sales.discounts.tables import DiscountRule

DISCOUNT_RULE = Entity(
    key="sales.discount_rule",
    table=DiscountRule,
    label=label("Discount rule", "Правило скидки"),
    plural=label("Automatic discounts", "Автоматические скидки"),
    fields=(
        Field("name", "text", label("Name", "Наименование"), required=True, max_length=300),
        Field("percent", "decimal", label("Discount, %", "Скидка, %"), required=True, min_value=0, max_value=100,
              summable=False),
        Field("active", "boolean", label("Active", "Действует"), default=True),
        Field("priority", "integer", label("Priority", "Приоритет"), min_value=-1000, max_value=1000, default=0,
              summable=False),
        Field("valid_from", "date", label("Valid from", "Действует с")),
        Field("valid_to", "date", label("Valid to (inclusive)", "Действует по (включительно)")),
        Field("client_type", "choice", label("Client type", "Тип клиента"), choices=CLIENT_TYPES),
        Field("importance", "choice", label("Client importance", "Важность клиента"), choices=IMPORTANCE),
        Field("client_filter", "text", label("Client segment (a filter of the client list)",
                                             "Сегмент клиентов (отбор списка клиентов)"), max_length=2000),
        Field("client_field", "text", label("Client field", "Поле клиента"), max_length=64),
        Field("client_field_value", "text", label("Value of the client field", "Значение поля клиента"), max_length=300),
        Field("product", "reference", label("Product", "Номенклатура"), reference="sales.product"),
        Field("category", "reference", label("Product category (with subcategories)",
                                             "Категория товаров (с подкатегориями)"), reference="sales.category"),
        Field("min_quantity", "decimal", label("Quantity in the line from", "Количество в строке от"), min_value=0,
              summable=False),
        Field("min_line_amount", "money", label("Line amount from", "Сумма строки от"), min_value=0, summable=False),
        Field("min_document_amount", "money", label("Document amount from", "Сумма документа от"), min_value=0,
              summable=False),
        Field("description", "long_text", label("Description", "Описание"), max_length=4000),
    ),
    list_columns=("name", "percent", "active", "priority", "valid_from", "valid_to", "client_type", "importance",
                  "product", "category", "min_quantity", "min_document_amount"),
    search_fields=("name",),
    order=("-priority", "name"),
    title_field="name",
    key_facts=("percent", "active", "priority", "valid_from", "valid_to"),
    sections=(
        Section("rule", label("Discount", "Скидка"), ("name", "percent", "active", "priority", "valid_from", "valid_to")),
        Section("client", label("For which clients", "Каким клиентам"),
                ("client_type", "importance", "client_filter", "client_field", "client_field_value")),
        Section("goods", label("On what", "На что"), ("product", "category")),
        Section("thresholds", label("From what amount", "От какого объёма"),
                ("min_quantity", "min_line_amount", "min_document_amount")),
        Section("about", label("Description", "Описание"), ("description",)),
    ),
)

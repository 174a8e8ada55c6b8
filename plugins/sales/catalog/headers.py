"""Headers a catalogue or a price list brings, per field: what an import maps without being told.

A 1C export ("Номенклатура", "Артикул", "Ед. изм.", "Ставка НДС"), a
supplier's price list ("Артикул; Наименование; Цена") or an English sheet
("SKU", "Unit price") name their columns their own way; these attach to the
fields as ``Field.synonyms`` (``plugins.contacts.headers.with_synonyms``),
beside the labels core's mapping guess reads already. A header two fields of
one entity would claim maps to neither (tests/test_import_headers.py in this
folder holds every entity to it).

A price list's article and name both name the product: whichever column
comes first is mapped to it (the product is found by article, then by
name: ``Entity.lookup_fields``), the other is left out.
"""

from __future__ import annotations

PRODUCT_NAME = ("Номенклатура", "Наименование товара", "Наименование номенклатуры", "Товар", "Название товара",
                "Товар / услуга", "Product", "Product name", "Item", "Item name")
ARTICLE = ("Артикул", "Арт.", "Артикул товара", "Код товара", "Артикул поставщика", "Article", "SKU", "Item code",
           "Product code", "Part number", "P/N")

PRODUCT = {
    "name": PRODUCT_NAME,
    "sku": ARTICLE,
    "kind": ("Вид номенклатуры", "Тип номенклатуры", "Товар или услуга", "Product type", "Item type"),
    "category": ("Группа", "Группа номенклатуры", "Категория товара", "Раздел каталога", "Group", "Product group",
                 "Product category"),
    "unit": ("Ед. изм.", "Ед.изм.", "Ед.", "Единица", "Базовая единица", "Единица изм.", "UoM", "Unit of measure", "Units"),
    "vat_rate": ("НДС", "Ставка НДС, %", "% НДС", "НДС, %", "VAT", "VAT, %", "VAT rate, %", "Tax rate"),
    "active": ("Активен", "Активный", "Используется в продаже", "In use", "Enabled"),
    "description": ("Описание товара", "Характеристики", "Комментарий", "Details", "Notes"),
}

PRICE = {
    "product": (*ARTICLE, *PRODUCT_NAME, "Наименование"),
    "price_type": ("Вид цены", "Тип цены", "Тип цен", "Прайс", "Прайс-лист", "Price list", "Price kind"),
    "effective_from": ("Дата", "Дата цены", "Дата начала действия", "Действует с даты", "С даты", "Date", "Valid from",
                       "Effective date", "Start date", "Price date"),
    "price": ("Цена, руб.", "Цена с НДС", "Цена без НДС", "Цена за ед.", "Цена за единицу", "Стоимость", "Unit price",
              "Price, RUB", "Cost"),
    "note": ("Примечание", "Комментарий", "Источник цены", "Note", "Comment", "Remarks"),
}

PRICE_TYPE = {
    "name": ("Вид цены", "Тип цены", "Тип цен", "Price kind"),
    "purpose": ("Назначение цены", "Для чего", "Kind of price"),
    "currency": ("Валюта", "Валюта цены", "Currency", "Currency code"),
    "vat_included": ("НДС включён", "НДС включен", "Цена с НДС", "С НДС", "VAT included", "Includes VAT", "Incl. VAT"),
    "counterparty": ("Контрагент", "Поставщик", "Конкурент", "Supplier", "Competitor", "Counterparty"),
    "is_default": ("Основной", "Основной вид цен", "По умолчанию", "Default", "Main"),
}

CATEGORY = {
    "name": ("Категория", "Группа", "Название категории", "Наименование группы", "Category", "Group", "Category name"),
    "parent": ("Родитель", "Родительская группа", "Входит в группу", "Группа-родитель", "Parent", "Parent group"),
    "code": ("Код категории", "Код группы", "Category code", "Group code"),
    "position": ("Порядок", "Сортировка", "Позиция", "Sort order", "Position"),
}

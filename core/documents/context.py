"""What a template sees: one record, read through the query gate as the requesting user.

The record is fetched with :meth:`Gate.get`, so a record the user may not
read is ``NotFound`` and a field the user may not read is simply absent:
``{{ record.inn }}`` renders empty for someone who may not see tax ids,
exactly as it would for a field that does not exist. Custom fields are
fields like the others.

Names available in a template (DOCX: ``{{ ... }}``, ODT: placeholders):

* ``record.<field>`` — the value as people read it in the template's
  language: choice labels, referenced records by title, dates («22 ноября
  2026 г.»), amounts («1 234,50»);
* ``raw.<field>`` — the stored value (numbers, dates) for calculations;
* ``words.<field>`` — money and decimal fields in words with the currency
  («Одна тысяча двести тридцать четыре рубля 50 копеек»);
* ``labels.<field>`` — the field's label; ``entity.label``;
* ``today``, ``user.name``, ``user.email``;
* functions ``money_words(x, currency=…, cents="digits"|"words")``,
  ``number_words(x)``, ``format_date(x, "long"|"short"|pattern)``,
  ``format_money(x)``, ``format_number(x)``.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from typing import Any

from babel import dates as babel_dates
from babel import numbers as babel_numbers

from core.documents.words import money_words, number_words, to_decimal
from core.entities.values import display, reference_titles
from core.i18n.timezones import to_zone, today
from core.permissions.gate import Gate

AMOUNT_TYPES = ("money", "decimal")


class Fields(dict):
    """A dict whose missing keys read as "" and whose keys read as attributes too.

    Both template engines then render an unknown or hidden field as nothing
    instead of failing the whole document (Jinja and Genshi differ here).
    """

    def __missing__(self, key):
        return ""

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return self[name]


def format_date(value, fmt: str = "long", lang: str = "ru") -> str:
    """A date in the language's own way (Babel/CLDR): «22 ноября 2026 г.», "November 22, 2026".

    ``fmt`` is "short", "medium", "long", "full" or a CLDR pattern ("dd.MM.yyyy").
    A datetime prints its date and its time (hours and minutes) on the clock of
    whoever makes the document (the request's or job's zone, core.i18n.timezones).
    """
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = to_zone(value)
        return f"{babel_dates.format_date(value.date(), format=fmt, locale=lang)} {value:%H:%M}"
    return babel_dates.format_date(value, format=fmt, locale=lang)


def format_number(value, lang: str = "ru") -> str:
    if value in (None, ""):
        return ""
    return babel_numbers.format_decimal(to_decimal(value), locale=lang)


def format_money(value, lang: str = "ru") -> str:
    if value in (None, ""):
        return ""
    return babel_numbers.format_decimal(to_decimal(value), format="#,##0.00", locale=lang)


def shown(field, value, cell: dict, lang: str) -> str:
    """One field's value as the document prints it."""
    if value is None or value == "":
        return ""
    if field.type in ("date", "datetime"):
        return format_date(value, "long", lang)
    if field.type == "money":
        return format_money(value, lang)
    if field.type in ("decimal", "integer"):
        return format_number(value, lang)
    if field.type == "boolean":
        return {"ru": "Да", "en": "Yes"}.get(lang, "Yes") if value else {"ru": "Нет", "en": "No"}.get(lang, "No")
    return cell.get("text") or ""


def helpers(lang: str, currency: str) -> dict[str, Any]:
    def money_words_in(value, currency: str = currency, cents: str = "digits", capitalize: bool = True) -> str:
        return money_words(value, currency, lang, cents=cents, capitalize=capitalize)

    return {
        "money_words": money_words_in,
        "number_words": partial(number_words, lang=lang),
        "format_date": lambda value, fmt="long": format_date(value, fmt, lang),
        "format_money": partial(format_money, lang=lang),
        "format_number": partial(format_number, lang=lang),
    }


async def record_context(kernel, entity_key: str, record_id, principal, *, lang: str = "ru", currency: str = "RUB") -> dict:
    """The context for one record, or ``NotFound`` when the principal may not read it."""
    gate = await Gate.open(kernel, entity_key, principal)
    row = await gate.get(record_id)
    return await context_for(gate, row, lang=lang, currency=currency)


async def context_for(gate: Gate, row: dict, *, lang: str = "ru", currency: str = "RUB") -> dict:
    fields = [f for f in gate.readable_fields if f.name != "deleted_at"]
    # Values as the template's language writes them (a Russian contract says "Потенциальный"
    # whoever prints it); references by the title the printing user may read.
    titles = await reference_titles(gate, [row], fields, gate.principal) if row else {}
    cells = {f.name: display(f, row.get(f.name), titles.get(f.name, {}), lang) for f in fields} if row else {}
    record, raw, words, labels = Fields(), Fields(), Fields(), Fields()
    for f in fields:
        value = row.get(f.name)
        raw[f.name] = value
        record[f.name] = shown(f, value, cells.get(f.name, {}), lang)
        labels[f.name] = f.label.get(lang) or f.label.get("en") or f.name
        if f.type in AMOUNT_TYPES and value not in (None, ""):
            words[f.name] = money_words(value, currency, lang)
    entity = gate.entity
    return {
        "record": record, "raw": raw, "words": words, "labels": labels,
        "entity": Fields(key=entity.key, label=entity.label.get(lang) or entity.label.get("en", entity.key)),
        "today": format_date(today(), "long", lang),
        "user": Fields(name=gate.principal.name or gate.principal.email, email=gate.principal.email),
        **helpers(lang, currency),
    }


def sample_context(entity, lang: str = "ru", currency: str = "RUB") -> dict:
    """A context with every name and no values: an upload is rendered with it once, so a
    template that cannot render is refused when it is uploaded, not when someone prints."""
    empty = Fields()
    return {"record": empty, "raw": empty, "words": empty, "labels": empty,
            "entity": Fields(key=entity.key, label=""), "today": "", "user": Fields(name="", email=""),
            **helpers(lang, currency)}

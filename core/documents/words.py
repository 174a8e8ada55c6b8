"""Numbers and amounts in words, as documents write them (num2words).

Russian invoices and acts spell the total: «Сто двадцать три рубля 45
копеек». num2words knows the plural forms (рубль / рубля / рублей, копейка /
копейки / копеек) and the gender of each unit (одна копейка, один рубль);
this module only picks the style:

* ``money_words(1234.5)`` — «Одна тысяча двести тридцать четыре рубля 50
  копеек» (accounting style: minor units in two digits);
* ``money_words(1234.5, cents="words")`` — «… рубля, пятьдесят копеек»;
* ``number_words(21)`` — «двадцать один».
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from num2words import num2words

CURRENCIES = ("RUB", "USD", "EUR")
LANGUAGES = ("ru", "en")


def to_decimal(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        value = repr(value)  # 0.1 stays 0.1, not 0.1000000000000000055…
    text = str(value).replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    # "1,234.50" (English grouping) or "1 234,50" (Russian decimal comma).
    text = text.replace(",", "") if "." in text else text.replace(",", ".")
    try:
        return Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValueError(f"not an amount: {value!r}") from None


def money_words(value, currency: str = "RUB", lang: str = "ru", cents: str = "digits", capitalize: bool = True) -> str:
    """``value`` (number, Decimal or numeric text) in words with its currency.

    ``cents``: "digits" (``45 копеек``, the accounting style) or "words".
    """
    if value is None or value == "":
        return ""
    if currency not in CURRENCIES:
        raise ValueError(f"currency must be one of {', '.join(CURRENCIES)} (got {currency!r})")
    amount = to_decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = num2words(amount, lang=_lang(lang), to="currency", currency=currency,
                     cents=cents != "digits", separator="" if cents == "digits" else ",")
    if cents == "digits":
        # num2words writes 5 kopecks as "5": documents write "05".
        text = re.sub(r"(?<=\s)(\d)(?=\s\S+$)", r"0\1", text)
    return text[:1].upper() + text[1:] if capitalize else text


def number_words(value, lang: str = "ru") -> str:
    """A whole number in words (``21`` → «двадцать один»)."""
    if value is None or value == "":
        return ""
    return num2words(int(to_decimal(value)), lang=_lang(lang))


def _lang(lang: str) -> str:
    return lang if lang in LANGUAGES else "en"

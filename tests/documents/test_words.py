"""Amounts in words: Russian plural forms and genders of roubles and kopecks, English, the accounting style."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from core.documents.context import format_date, format_money
from core.documents.words import money_words, number_words


@pytest.mark.parametrize("value, words", [
    ("1", "Один рубль 00 копеек"),
    ("2.01", "Два рубля 01 копейка"),
    ("5.05", "Пять рублей 05 копеек"),
    ("21.21", "Двадцать один рубль 21 копейка"),
    ("22.22", "Двадцать два рубля 22 копейки"),
    ("111.11", "Сто одиннадцать рублей 11 копеек"),
    ("1000", "Одна тысяча рублей 00 копеек"),
    ("2000000", "Два миллиона рублей 00 копеек"),
    ("0.5", "Ноль рублей 50 копеек"),
    (Decimal("1234.565"), "Одна тысяча двести тридцать четыре рубля 57 копеек"),  # half up, as accountants round
    ("1 234,50", "Одна тысяча двести тридцать четыре рубля 50 копеек"),
    ("1,234.50", "Одна тысяча двести тридцать четыре рубля 50 копеек"),
    (0.1 + 0.2, "Ноль рублей 30 копеек"),
])
def test_roubles_and_kopecks(value, words):
    assert money_words(value) == words


def test_styles_and_languages():
    assert money_words("21.01", cents="words") == "Двадцать один рубль, одна копейка"
    assert money_words("2", "USD") == "Два доллара 00 центов"
    assert money_words("3", "EUR", capitalize=False) == "три евро 00 центов"
    assert money_words("21.01", lang="en") == "Twenty-one roubles 01 kopek"
    assert money_words("1.5", "USD", "en", cents="words") == "One dollar, fifty cents"
    assert number_words(21) == "двадцать один" and number_words("42", "en") == "forty-two"
    assert money_words(None) == "" and money_words("") == ""
    with pytest.raises(ValueError, match="currency"):
        money_words("1", "XYZ")
    with pytest.raises(ValueError, match="not an amount"):
        money_words("двенадцать")


def test_dates_and_amounts_per_locale():
    assert format_date(date(2026, 11, 22)) == "22 ноября 2026\u202fг."  # CLDR: a narrow no-break space before "г."
    assert format_date(date(2026, 11, 22), lang="en") == "November 22, 2026"
    assert format_date("2026-03-01", "dd.MM.yyyy") == "01.03.2026"
    assert format_date(datetime(2026, 1, 5, 9, 30)) == "5 января 2026\u202fг. 09:30"
    assert format_money("1234567.5") == "1\u00a0234\u00a0567,50"
    assert format_money("1234567.5", "en") == "1,234,567.50"

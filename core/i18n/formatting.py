"""Dates, times, numbers and money written the way the reader's language writes them.

Babel knows each locale's conventions (CLDR): ``1 234,5`` and ``22.11.2026`` in
Russian, ``1,234.5`` and ``Nov 22, 2026`` in English. Templates use these as
filters (``{{ value|number }}``, ``{{ share|percent }}``, ``{{ when|datetime }}``, ``{{ amount|money("RUB") }}``);
Python code calls them directly. Each takes the current language unless told.
Times are shown on the reader's wall clock: the current zone (the user's
choice, else the instance's; :mod:`core.i18n.timezones`) unless told.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from functools import lru_cache

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from core.i18n import current_locale
from core.i18n.timezones import to_zone


def _locale(locale: str | None) -> Locale:
    return _parsed(locale or current_locale())


@lru_cache(maxsize=16)
def _parsed(code: str) -> Locale:
    # Babel parses a locale name on every call otherwise: half the cost of a number.
    return Locale.parse(code)


def format_date(value, format: str = "medium", locale: str | None = None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.date()
    return babel_dates.format_date(value, format=format, locale=_locale(locale))


def format_datetime(value, format: str = "medium", locale: str | None = None, tz: str | None = None) -> str:
    """An instant on the wall clock of zone ``tz`` (default: the current zone)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value)
    if not isinstance(value, datetime):  # a plain date
        return format_date(value, format, locale)
    local = to_zone(value, tz)  # stored UTC (a naive value is UTC too)
    return babel_dates.format_datetime(local, format=format, tzinfo=local.tzinfo, locale=_locale(locale))


def format_time(value, format: str = "short", locale: str | None = None, tz: str | None = None) -> str:
    """The time of day of an instant on the wall clock of zone ``tz`` (default: the current zone)."""
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime):  # a time of day has no zone to convert from
        return babel_dates.format_time(value, format=format, locale=_locale(locale))
    local = to_zone(value, tz)
    return babel_dates.format_time(local, format=format, tzinfo=local.tzinfo, locale=_locale(locale))


def format_number(value, locale: str | None = None, grouping: bool = True, places: int | None = None) -> str:
    """``grouping=False`` writes the digits without thousands separators: a year reads 2023, not 2,023.
    ``places`` writes exactly that many decimals (a column of figures: 5.0, -25.0)."""
    if value is None or value == "":
        return ""
    if places is not None:
        pattern = ("#,##0" if grouping else "0") + ("." + "0" * places if places else "")
        return babel_numbers.format_decimal(_number(value), format=pattern, locale=_locale(locale))
    # decimal_quantization off: every stored digit is shown (CLDR's pattern would round to 3).
    return babel_numbers.format_decimal(_number(value), locale=_locale(locale), decimal_quantization=False,
                                        group_separator=grouping)


def format_money(value, currency: str | None = None, locale: str | None = None) -> str:
    """An amount with exactly two places; with its currency sign when ``currency`` is given."""
    if value is None or value == "":
        return ""
    amount = _number(value)
    if currency:
        return babel_numbers.format_currency(amount, currency, locale=_locale(locale))
    return babel_numbers.format_decimal(amount, format="#,##0.00", locale=_locale(locale))


def format_percent(value, places: int = 1, locale: str | None = None) -> str:
    """A share given in percent (``95.5``), as the reader's language writes it — 95.5% or
    95,5 % — with exactly ``places`` decimals."""
    if value is None or value == "":
        return ""
    locale_ = _locale(locale)
    pattern = locale_.percent_formats.get(None).pattern  # "#,##0%" in English, "#,##0 %" in Russian
    if places:
        head, tail = pattern.rsplit("0", 1)
        pattern = f"{head}0.{'0' * places}{tail}"
    return babel_numbers.format_percent(Decimal(str(value)) / 100, format=pattern, locale=locale_)


def _number(value):
    if isinstance(value, (int, float, Decimal)):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None


FILTERS = {
    "date": format_date,
    "datetime": format_datetime,
    "time": format_time,
    "number": format_number,
    "money": format_money,
    "percent": format_percent,
}

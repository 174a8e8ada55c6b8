"""Spreadsheet cells read the way the office that saved them meant, per target field.

What a field's own validation cannot know, because it depends on where the
value came from:

* **dates** — a date column whose cells are numbers holds Excel serial dates
  (days since 1899-12-30: 36965 is 15.03.2001; a fraction is the time of
  day); a text date ``15.03.2001`` is day first (no locale writes
  month.day.year with dots); ``03/15/2001`` with slashes follows the user's
  locale (month first in English, day first otherwise);
* **identifiers with leading zeros** — a field that declares its digit
  counts (``Field.digits``: an INN has 10 or 12) and receives a *number*
  lost its leading zeros to the spreadsheet (0123456789 became 123456789):
  zeros are put back up to the next declared count, never for a count that
  is already valid or more than two zeros away;
* **multi-line text in a one-line field** — an address typed over several
  lines of a cell joins them with ", " (the field is one line everywhere
  else in the product); long-text fields keep their lines.

:class:`CellReading` counts each change per field so the run can say so
("leading zeros restored in 3 values of ИНН"). Only the cheap checks run per
cell: a column with nothing to read this way gets no reader at all.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any, Callable

from core.entities.spec import Field

EXCEL_EPOCH = datetime(1899, 12, 30)  # Excel's day 0 (its 1900 leap-year bug shifts the epoch back one day)
SERIAL_MIN, SERIAL_MAX = 1, 2_958_465  # 1900-01-01 .. 9999-12-31
MAX_ZEROS = 2
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_LINES = re.compile(r"\s*(?:\r\n|\r|\n)+\s*")

# What a count means, for the run's summary (keys of CellReading.counts).
SERIAL_DATE, LOCAL_DATE, LEADING_ZEROS, JOINED_LINES = "serial_date", "local_date", "leading_zeros", "joined_lines"


def serial_to_datetime(number: float) -> datetime | None:
    """Excel's serial number as a naive datetime; None outside the calendar Excel knows."""
    if isinstance(number, bool) or not SERIAL_MIN <= number <= SERIAL_MAX:
        return None
    moment = EXCEL_EPOCH + timedelta(days=float(number))
    return moment.replace(microsecond=0) if moment.microsecond < 500_000 else (moment + timedelta(seconds=1)).replace(microsecond=0)


def parse_local_date(text: str, locale: str) -> datetime | None:
    """``15.03.2001`` (day first, always) or ``15/03/2001`` (by the locale), optionally with a time."""
    text = text.strip()
    match = _DOTTED.fullmatch(text)
    day_first = True
    if match is None:
        match = _SLASHED.fullmatch(text)
        day_first = not locale.startswith("en")
    if match is None:
        return None
    a, b, year, hour, minute, second = match.groups()
    day, month = (int(a), int(b)) if day_first else (int(b), int(a))
    try:
        return datetime(int(year), month, day, int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError:
        return None


def restore_zeros(number: Any, digits: tuple[int, ...]) -> str | None:
    """The identifier a number stood for, with its leading zeros back; None when nothing is missing."""
    if isinstance(number, bool):
        return None
    if isinstance(number, float):
        if not number.is_integer():
            return None
        number = int(number)
    if isinstance(number, Decimal):
        if number != number.to_integral_value():
            return None
        number = int(number)
    if not isinstance(number, int) or number < 0:
        return None
    text = str(number)
    if len(text) in digits:
        return None
    longer = [d for d in sorted(digits) if d > len(text)]
    if not longer or longer[0] - len(text) > MAX_ZEROS:
        return None
    return text.zfill(longer[0])


class CellReading:
    """Per import: which columns need reading beyond :func:`core.dataio.rows.coerce`, and what was changed."""

    def __init__(self, fields: list[Field], locale: str = "ru"):
        self.locale = locale
        self.counts: Counter = Counter()  # (what, field name) -> values changed
        self.readers: dict[str, Callable[[Field, Any], Any]] = {}
        for f in fields:
            if f.type in ("date", "datetime"):
                self.readers[f.name] = self._date
            elif getattr(f, "digits", ()):
                self.readers[f.name] = self._digits
            elif f.type == "text":
                self.readers[f.name] = self._one_line

    def read(self, spec: Field, value: Any) -> Any:
        reader = self.readers.get(spec.name)
        return value if reader is None or value is None else reader(spec, value)

    def _date(self, spec: Field, value: Any) -> Any:
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            moment = serial_to_datetime(float(value))
            if moment is None:
                return value
            self.counts[(SERIAL_DATE, spec.name)] += 1
        elif isinstance(value, str):
            if "." not in value and "/" not in value:
                return value  # ISO dates (the common case) go to validation as they are
            moment = parse_local_date(value, self.locale)
            if moment is None:
                return value
            self.counts[(LOCAL_DATE, spec.name)] += 1
        else:
            return value
        if spec.type == "date":
            return moment.date() if moment.time() == time(0) else moment
        return _on_users_clock(moment)

    def _digits(self, spec: Field, value: Any) -> Any:
        if isinstance(value, str):
            return self._one_line(spec, value)
        restored = restore_zeros(value, spec.digits)
        if restored is None:
            return value
        self.counts[(LEADING_ZEROS, spec.name)] += 1
        return restored

    def _one_line(self, spec: Field, value: Any) -> Any:
        if not isinstance(value, str) or ("\n" not in value and "\r" not in value):
            return value
        lines = [line for line in _LINES.split(value.strip()) if line]
        joined = ""
        for line in lines:
            joined += line if not joined else (" " if joined.endswith((",", ";")) else ", ") + line
        self.counts[(JOINED_LINES, spec.name)] += 1
        return joined

    def summary(self) -> list[list]:
        """``[what, field, count]`` rows, JSON-ready for the run's record."""
        return [[what, name, n] for (what, name), n in sorted(self.counts.items())]


def _on_users_clock(moment: datetime) -> datetime:
    """A spreadsheet time has no zone: it is the importing user's wall clock."""
    from zoneinfo import ZoneInfo

    from core.i18n import current_timezone

    try:
        return moment.replace(tzinfo=ZoneInfo(current_timezone()))
    except (KeyError, ValueError):
        return moment


def merge_summaries(*summaries: list[list]) -> list[list]:
    """Counts of several parts of one run (a resumed run adds to what was counted before)."""
    total: Counter = Counter()
    for summary in summaries:
        for what, name, n in summary or []:
            total[(what, name)] += n
    return [[what, name, n] for (what, name), n in sorted(total.items())]


"""Where a table starts in a file as offices save it, and which rows are not data.

Office files rarely start with their header: a title ("Клиенты на
01.03.2024"), an empty row, then a header that may span two rows (a group
title merged over its columns, "Контакты" over "Телефон" and "Email", while
"Наименование" is merged down both rows). The last row is often a totals row
("Итого"). This module decides, from the first rows of any format:

* :func:`guess_header` — the first row whose cells look like headers (text,
  not numbers, dates or e-mails; as wide as the table), and whether the next
  row completes it (merged cells read as empty: the top row has a gap the
  second fills, or the second has gaps under the top's cells);
* :func:`join_header` — the two rows as one name per column, ``"Контакты /
  Телефон"`` (a group title is carried over the empty cells it was merged
  across);
* :func:`is_totals` — a row that sums the table rather than being a record:
  its first filled cell is "Итого", "Всего", "Total"… and every other filled
  cell is a number.

The reader applies them (:class:`core.dataio.readers.TableRows`) and tells
the user what it skipped; the user can always choose the header row.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time
from decimal import Decimal

LOOKAHEAD = 30  # non-empty rows looked at to find the header
HEADER_CELL_MAX = 120
TOTALS = frozenset({"итого", "итог", "всего", "итоговсего", "всегопосписку", "total", "totals", "grandtotal", "sum", "сумма",
                    "итогопоклиентам"})
_NUMBERISH = re.compile(r"[\s\d.,+\-()%₽$€/:]+")
_WORDS = re.compile(r"[\W_]+")


def _filled(value) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def is_number_like(value) -> bool:
    """A number, a date, or text that is only digits and number punctuation ("1 234,50", "15.03.2001")."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float, Decimal)):
        return not (isinstance(value, float) and math.isnan(value))
    if isinstance(value, (date, datetime, time)):
        return True
    return isinstance(value, str) and bool(_NUMBERISH.fullmatch(value.strip())) and any(c.isdigit() for c in value)


def looks_like_header_cell(value) -> bool:
    if not isinstance(value, str):
        return False
    text = value.strip()
    return bool(text) and len(text) <= HEADER_CELL_MAX and not is_number_like(text) and "@" not in text


def _width(values) -> int:
    """The index after the last filled cell."""
    for i in range(len(values) - 1, -1, -1):
        if _filled(values[i]):
            return i + 1
    return 0


def _header_like(values, table_width: int) -> bool:
    cells = [v for v in values if _filled(v)]
    if len(cells) < min(2, table_width) or not all(looks_like_header_cell(v) for v in cells):
        return False
    return len(cells) * 2 >= table_width  # a title row fills one cell of a wide table


def guess_header(rows: list[list]) -> tuple[int, int]:
    """(index of the header row in ``rows``, 1 or 2 rows): ``rows`` are the first non-empty rows.

    Falls back to the first row when none looks like a header (a file of
    numbered columns is still read, as before).
    """
    if not rows:
        return 0, 1
    # The table's width: what most of the rows fill (titles and notes are narrower).
    widths = sorted(_width(r) for r in rows)
    table_width = widths[len(widths) // 2] if len(widths) > 2 else widths[-1]
    for index, values in enumerate(rows):
        if _header_like(values, table_width):
            following = rows[index + 1] if index + 1 < len(rows) else None
            return index, 2 if following is not None and completes(values, following) else 1
    return 0, 1


def completes(top: list, bottom: list) -> bool:
    """Is ``bottom`` the second row of a header merged over two rows?

    Its cells look like headers, and the merges show: some column is filled
    in ``bottom`` under an empty cell of ``top`` (a group title merged
    across), and ``top`` is not simply a full header followed by a text-only
    first record (then ``bottom`` would fill every column ``top`` fills).
    """
    cells = [v for v in bottom if _filled(v)]
    if len(cells) < 2 or not all(looks_like_header_cell(v) for v in cells):
        return False
    width = max(_width(top), _width(bottom))
    cell = lambda row, i: row[i] if i < len(row) else None  # noqa: E731
    under_gap = any(_filled(cell(bottom, i)) and not _filled(cell(top, i)) for i in range(width))
    if not under_gap:
        return False
    # The group title of that gap: a filled top cell somewhere to the left.
    first_gap = next(i for i in range(width) if _filled(cell(bottom, i)) and not _filled(cell(top, i)))
    return any(_filled(cell(top, i)) for i in range(first_gap))


def join_header(top: list, bottom: list) -> list:
    """One name per column from a two-row header: "Group / Column", the group carried right."""
    width = max(_width(top), _width(bottom))
    out: list = []
    group = None
    for i in range(width):
        upper = top[i] if i < len(top) else None
        lower = bottom[i] if i < len(bottom) else None
        if _filled(upper):
            group = str(upper).strip()
            out.append(f"{group} / {str(lower).strip()}" if _filled(lower) else group)
        elif _filled(lower):
            out.append(f"{group} / {str(lower).strip()}" if group else str(lower).strip())
        else:
            group = None
            out.append(None)
    return out


def is_totals(values) -> bool:
    """A totals row: the first filled cell says so ("Итого:", "TOTAL"), the rest are numbers."""
    cells = [v for v in values if _filled(v)]
    if not cells or not isinstance(cells[0], str):
        return False
    if _WORDS.sub("", cells[0].casefold()) not in TOTALS:
        return False
    return all(is_number_like(v) for v in cells[1:])

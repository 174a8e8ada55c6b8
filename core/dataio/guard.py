"""The spreadsheet-injection guard (S11), both ways, and the CSV line it writes.

CSV export (and the rejected-rows file): a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is prefixed with ``'`` (OWASP's advice), so a spreadsheet
shows it as text and never evaluates it. A phone number (``+`` then only
digits, spaces and ``()-``) is left alone: ``+79297838122`` is a formula to
nobody, and a prefixed phone would be a changed phone.

A text that already starts with apostrophes before a dangerous character is
guarded too (``'=x`` becomes ``''=x``), so :func:`unguard` can take exactly
one apostrophe back off on import and a round trip gives back what was
exported, whatever the text.

XLSX needs none of this: its cells are written typed, as text, never as
formulas, so they keep their text exactly (and the import unguards CSV only).

CSV: every cell holding ``,`` or ``;`` (or a quote, a tab, a line break) is
quoted, and the separator is the reader's: ``;`` for Russian (the list
separator of a Russian Excel, which opens such a file in columns with a
double click), ``,`` otherwise. A comma CSV opened where the list separator is ``;`` (the Russian
Excel default) would otherwise split ``Acme LLC;=cmd|' /C calc'!A0`` into a
second cell that is a formula; quoted, it stays one cell.
"""

from __future__ import annotations

import re
from typing import Iterable

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
PHONE = re.compile(r"\+[0-9 ()-]*[0-9][0-9 ()-]*")
QUOTED_WHEN = frozenset(',;"\r\n\t')


def _guarded(text: str) -> bool:
    bare = text.lstrip("'")
    return bare.startswith(DANGEROUS) and not PHONE.fullmatch(bare)


def neutralize(text: str) -> str:
    """A text cell a spreadsheet will show, never evaluate."""
    return "'" + text if _guarded(text) else text


def unguard(value):
    """The import's inverse of :func:`neutralize`: one guard apostrophe off, nothing else touched."""
    if isinstance(value, str) and value.startswith("'") and _guarded(value):
        return value[1:]
    return value


def csv_cell(text: str) -> str:
    """One already neutralized cell, quoted when it holds a separator of any locale."""
    if QUOTED_WHEN.isdisjoint(text):
        return text
    return '"' + text.replace('"', '""') + '"'


SEMICOLON_LANGUAGES = frozenset({"ru"})


def csv_delimiter(lang: str) -> str:
    """The separator of a CSV written for a reader of ``lang``."""
    return ";" if lang in SEMICOLON_LANGUAGES else ","


def csv_line(cells: Iterable[str], delimiter: str = ",") -> str:
    return delimiter.join(csv_cell(c) for c in cells) + "\r\n"

"""The spreadsheet-injection guard (S11), both ways, and the CSV line it writes.

Export: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is prefixed with ``'`` (OWASP's advice), so a spreadsheet
shows it as text and never evaluates it. A phone number (``+`` then only
digits, spaces and ``()-``) is left alone: ``+79297838122`` is a formula to
nobody, and a prefixed phone would be a changed phone.

A text that already starts with apostrophes before a dangerous character is
guarded too (``'=x`` becomes ``''=x``), so :func:`unguard` can take exactly
one apostrophe back off on import and a round trip gives back what was
exported, whatever the text.

CSV: every cell holding ``,`` or ``;`` (or a quote, a tab, a line break) is
quoted. A comma CSV opened where the list separator is ``;`` (the Russian
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


def csv_line(cells: Iterable[str]) -> str:
    return ",".join(csv_cell(c) for c in cells) + "\r\n"

"""The list view to CSV or XLSX, through the query gate, streamed, readable, importable again.

Rows come from :meth:`Gate.list` page by page (500 rows, keyset or offset
paging as the list itself pages), so the scope of the principal's grant, the
filters, the search and the sort are exactly the list's, and fields the user
may not read are never in a row. Columns are the list's (its declared
columns and the readable custom fields) unless named, or every readable field
(``everything``: the command line's default); naming a field the user may not
read is refused like a filter on it.

Cells are what a person reads and what the import reads back
(:mod:`core.dataio.readable`): choice labels, titles of referenced records,
users by e-mail, times on the user's clock, headers as the fields' labels.

Spreadsheet injection (S11, :mod:`core.dataio.guard`): in CSV a text cell
starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
prefixed with ``'`` (a phone such as ``+79297838122`` excepted) and every cell
holding ``,`` or ``;`` is quoted; the Russian-speaking user's CSV is separated
by ``;`` (their Excel's list separator), anyone else's by ``,``. XLSX cells
are typed — ``write_string`` / ``write_number`` / ``write_boolean``, never the
type-guessing ``write`` that turns a leading ``=`` into a formula — so they
need no guard and keep their text exactly. XLSX files are written by
xlsxwriter in ``constant_memory`` mode (each row flushed to disk as written),
so memory stays flat whatever the size.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable

from core.dataio.guard import DANGEROUS, csv_delimiter, csv_line, neutralize  # noqa: F401 (DANGEROUS, neutralize: this module's API too)
from core.dataio.readable import ExportValues
from core.entities.spec import SYSTEM_FIELDS, Field
from core.i18n import _
from core.permissions.errors import NotFound, Refused
from core.permissions.gate import MAX_LIMIT, Gate, ListRequest

FORMATS = ("csv", "xlsx")
XLSX_MAX_CELL = 32_767  # Excel's limit on a cell's text
EXACT_FLOAT = 2 ** 53  # integers beyond it are written as text: a spreadsheet's double would round them


def check_export(gate: Gate) -> None:
    """Export needs its own permission on the entity (404 otherwise, like any refusal)."""
    if not gate.principal.can(gate.entity.permission("export")):
        raise NotFound(gate.entity.key)


def export_columns(gate: Gate, names: list[str] | None = None, *, everything: bool = False) -> list[Field]:
    """The fields to export: the named ones (each readable); else every readable field but the
    system's (``everything``), else the list's visible columns."""
    if names:
        out = []
        for name in names:
            if name not in gate.fields:
                raise Refused({name: _("Unknown field, cannot export it.")})
            if not gate.readable(name):
                raise Refused({name: _("You may not read this field, so you cannot export it.")})
            out.append(gate.fields[name])
        return out
    if everything:
        return [f for f in gate.readable_fields if f.name not in SYSTEM_FIELDS]
    columns = [f for f in (gate.fields.get(c) for c in gate.entity.list_columns) if f and gate.readable(f.name)]
    columns += [f for f in gate.custom if gate.readable(f.name) and f.type != "long_text" and f not in columns]
    return columns


def export_request(gate: Gate, params) -> ListRequest:
    """The list request of an export: the list's own filters, read as the list reads
    them (a date typed into a date-time filter is the whole day on the user's clock),
    over the rows the export scope reaches: a manager who reads the team's clients
    may still export only their own (``contacts.client.export = own``)."""
    from core.entities.list_state import widen_dates
    from core.entities.query_params import list_request

    req = widen_dates(gate, list_request(params))
    req.action = "export"
    return req


async def pages(gate: Gate, req: ListRequest) -> AsyncIterator[list[dict]]:
    """Every row of the list request, a page at a time (the list's own paging)."""
    req = ListRequest(filters=list(req.filters), sort=list(req.sort), search=req.search, limit=MAX_LIMIT, action=req.action)
    while True:
        page = await gate.list(req)
        if page.rows:
            yield page.rows
        if not page.next_cursor:
            return
        req.cursor = page.next_cursor


def cell(shown: Any) -> tuple[str, Any]:
    """("number" | "bool" | "string" | "blank", value) for an XLSX cell of a readable value."""
    if shown is None:
        return "blank", None
    if isinstance(shown, bool):
        return "bool", shown
    if isinstance(shown, int) and abs(shown) < EXACT_FLOAT:
        return "number", shown
    if isinstance(shown, Decimal) and Decimal(repr(float(shown))) == shown:
        return "number", float(shown)  # only when the double holds the amount exactly
    if isinstance(shown, Decimal):
        return "string", format(shown, "f")
    if isinstance(shown, date):
        return "string", shown.isoformat()
    return "string", str(shown)[:XLSX_MAX_CELL]


Progress = Callable[[int], Awaitable[None]]


async def write_export(gate: Gate, req: ListRequest, columns: list[Field], fmt: str, path: Path,
                       progress: Progress | None = None, every: int = 5000) -> int:
    """Write the export file; returns how many rows it holds."""
    if fmt not in FORMATS:
        raise Refused({"format": _("Export as csv or xlsx.")})
    lang = gate.principal.language
    values = ExportValues(gate, columns, lang)
    header = [f.label_for(lang) for f in columns]
    count = 0

    async def counted(n: int) -> None:
        nonlocal count
        before, count = count, count + n
        if progress is not None and before // every != count // every:
            await progress(count)

    if fmt == "csv":
        delimiter = csv_delimiter(lang)
        # utf-8-sig: Excel opens a UTF-8 CSV with Cyrillic correctly only with the BOM.
        with open(path, "w", encoding="utf-8-sig", newline="") as out:
            out.write(csv_line([neutralize(h) for h in header], delimiter))
            async for rows in pages(gate, req):
                await values.load(rows)
                out.writelines(csv_line([neutralize(values.text(f, row.get(f.name))) for f in columns], delimiter) for row in rows)
                await counted(len(rows))
    else:
        import xlsxwriter

        book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                               "strings_to_urls": False, "strings_to_numbers": False})
        try:
            sheet = book.add_worksheet(gate.entity.plural.get(lang, gate.entity.key)[:31].replace("/", " "))
            bold = book.add_format({"bold": True})
            for col, title in enumerate(header):
                sheet.write_string(0, col, title, bold)
            line = 0
            async for rows in pages(gate, req):
                await values.load(rows)
                for row in rows:
                    line += 1
                    for col, spec in enumerate(columns):
                        kind, value = cell(values.value(spec, row.get(spec.name)))
                        if kind == "number":
                            sheet.write_number(line, col, value)
                        elif kind == "bool":
                            sheet.write_boolean(line, col, value)
                        elif kind == "string":
                            sheet.write_string(line, col, value)
                await counted(len(rows))
        finally:
            book.close()
    if progress is not None:
        await progress(count)
    return count

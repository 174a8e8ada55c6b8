"""The list view to CSV or XLSX, through the query gate, streamed.

Rows come from :meth:`Gate.list` page by page (500 rows, keyset or offset
paging as the list itself pages), so the scope of the principal's grant, the
filters, the search and the sort are exactly the list's, and fields the user
may not read are never in a row. Columns are the list's (its declared
columns and the readable custom fields) unless named; naming a field the
user may not read is refused like a filter on it.

Spreadsheet injection (S11, :mod:`core.dataio.guard`): a text cell starting
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with
``'`` in both formats (a phone such as ``+79297838122`` excepted), and a CSV
cell holding ``,`` or ``;`` is quoted, so opening the file with either list
separator never splits a cell into a formula. XLSX cells are written with ``write_string`` / ``write_number`` — never the
type-guessing ``write`` that turns a leading ``=`` into a formula. XLSX files
are written by xlsxwriter in ``constant_memory`` mode (each row flushed to
disk as written), so memory stays flat whatever the size.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable
from uuid import UUID

from core.dataio.guard import DANGEROUS, csv_line, neutralize  # noqa: F401 (DANGEROUS, neutralize: this module's API too)
from core.entities.spec import Field
from core.i18n import _
from core.permissions.errors import NotFound, Refused
from core.permissions.gate import MAX_LIMIT, Gate, ListRequest

FORMATS = ("csv", "xlsx")
XLSX_MAX_CELL = 32_767  # Excel's limit on a cell's text


def check_export(gate: Gate) -> None:
    """Export needs its own permission on the entity (404 otherwise, like any refusal)."""
    if not gate.principal.can(gate.entity.permission("export")):
        raise NotFound(gate.entity.key)


def export_columns(gate: Gate, names: list[str] | None = None) -> list[Field]:
    """The fields to export: the named ones (each readable), else the list's visible columns."""
    if names:
        out = []
        for name in names:
            if name not in gate.fields:
                raise Refused({name: _("Unknown field, cannot export it.")})
            if not gate.readable(name):
                raise Refused({name: _("You may not read this field, so you cannot export it.")})
            out.append(gate.fields[name])
        return out
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


async def rows(gate: Gate, req: ListRequest) -> AsyncIterator[dict]:
    """Every row of the list request, page after page (the list's own paging)."""
    req = ListRequest(filters=list(req.filters), sort=list(req.sort), search=req.search, limit=MAX_LIMIT, action=req.action)
    while True:
        page = await gate.list(req)
        for row in page.rows:
            yield row
        if not page.next_cursor:
            return
        req.cursor = page.next_cursor


def text_value(value: Any) -> str:
    """A value as text for CSV (and as the fallback for XLSX)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (date, Decimal, UUID, int, float)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return ",".join(map(str, value))
    return str(value)


def cell(spec: Field, value: Any) -> tuple[str, Any]:
    """("number" | "bool" | "string", value) for a spreadsheet cell; text neutralized."""
    if value is None:
        return "blank", None
    if spec.type in ("integer", "decimal", "money") and isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return "number", float(value) if isinstance(value, Decimal) else value
    if isinstance(value, bool):
        return "bool", value
    return "string", neutralize(text_value(value))[:XLSX_MAX_CELL]


Progress = Callable[[int], Awaitable[None]]


async def write_export(gate: Gate, req: ListRequest, columns: list[Field], fmt: str, path: Path,
                       progress: Progress | None = None, every: int = 5000) -> int:
    """Write the export file; returns how many rows it holds."""
    if fmt not in FORMATS:
        raise Refused({"format": _("Export as csv or xlsx.")})
    lang = gate.principal.language
    header = [neutralize(f.label_for(lang)) for f in columns]
    count = 0
    if fmt == "csv":
        # utf-8-sig: Excel opens a UTF-8 CSV with Cyrillic correctly only with the BOM.
        with open(path, "w", encoding="utf-8-sig", newline="") as out:
            out.write(csv_line(header))
            async for row in rows(gate, req):
                out.write(csv_line([cell_text(f, row.get(f.name)) for f in columns]))
                count += 1
                if progress is not None and count % every == 0:
                    await progress(count)
    else:
        import xlsxwriter

        book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                               "strings_to_urls": False, "strings_to_numbers": False})
        try:
            sheet = book.add_worksheet(gate.entity.plural.get(lang, gate.entity.key)[:31].replace("/", " "))
            bold = book.add_format({"bold": True})
            for col, title in enumerate(header):
                sheet.write_string(0, col, title, bold)
            async for row in rows(gate, req):
                count += 1
                for col, spec in enumerate(columns):
                    kind, value = cell(spec, row.get(spec.name))
                    if kind == "number":
                        sheet.write_number(count, col, value)
                    elif kind == "bool":
                        sheet.write_boolean(count, col, value)
                    elif kind == "string":
                        sheet.write_string(count, col, value)
                if progress is not None and count % every == 0:
                    await progress(count)
        finally:
            book.close()
    if progress is not None:
        await progress(count)
    return count


def cell_text(spec: Field, value: Any) -> str:
    kind, shown = cell(spec, value)
    if kind == "string":
        return shown
    return "" if shown is None else text_value(value)

"""Files as a stream of rows: CSV (any delimiter, quoting, encoding), XLSX and ODS.

Every reader holds one row at a time, so memory stays flat whatever the file
size: CSV through :mod:`csv` over an incremental decoder, XLSX through
openpyxl's read-only mode (it parses the sheet XML as it goes), ODS by
parsing ``content.xml`` with lxml's ``iterparse`` and dropping each row once
read. A reader yields ``(line, values)``: ``line`` is the row's number in the
file as a spreadsheet shows it (the header is line 1; in a CSV with quoted
line breaks it counts records, not physical lines), so a rejected row can be
found again. Fully empty rows are skipped; they are neither accepted nor
rejected.

Where the table starts is guessed, not assumed (:mod:`core.dataio.sheets`):
title rows above the header are skipped, a header merged over two rows is
joined, the user may name the header row (``header_row``, its line) and,
in a workbook, the sheet. What was left out — other sheets, hidden columns,
title rows, totals rows — is kept in :attr:`Reader.left_out` for the screens
to say. A CSV's encoding is decided on evidence from across the file
(:mod:`core.dataio.encodings`) and its reading checked for mojibake.

Reading never fails on a row: what cannot be read becomes a :class:`BadRow`
(a CSV field past the size limit, bytes not valid in the file's encoding), so
the importer rejects that one row with the reason and goes on.
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import itertools
import os
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterator

from core.dataio.encodings import canonical, check_reading, detect_encoding, spread_sample
from core.dataio.sheets import LOOKAHEAD, completes, guess_header, is_totals, join_header
from core.i18n import _

FORMATS = ("csv", "xlsx", "ods")
SAMPLE_BYTES = 64 * 1024
DELIMITERS = (",", ";", "\t", "|")
# Above every field's own limit (long text: 100k characters), so an oversized
# value is read and then refused by validation with a proper message.
CSV_FIELD_LIMIT = 8 * 1024 * 1024
REPLACEMENT = "\ufffd"


class ReadError(ValueError):
    """The file as a whole cannot be read (wrong format, no header, broken archive)."""


@dataclass(frozen=True)
class BadRow:
    """A row that could not be read; ``reason`` is for the user."""

    reason: str


def detect_format(path: Path, name: str | None = None) -> str:
    """From the extension, then the content: a zip with ``content.xml`` is ODS, other zips XLSX."""
    suffix = Path(name or path).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    if suffix in ("txt", "tsv"):
        return "csv"
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            return "ods" if "content.xml" in z.namelist() else "xlsx"
    return "csv"


def open_reader(path: str | os.PathLike, fmt: str | None = None, *, encoding: str | None = None,
                delimiter: str | None = None, sheet: str | None = None, header_row: int | None = None,
                header_rows: int | None = None, hidden: bool = False) -> "Reader":
    """``sheet`` (a workbook's sheet by name; default the first visible), ``header_row`` (the
    header's line; default guessed), ``header_rows`` (1 or 2; default guessed), ``hidden``
    (read hidden columns too; default they are left out and named in ``left_out``)."""
    path = Path(path)
    fmt = fmt or detect_format(path)
    table = {"header_row": header_row, "header_rows": header_rows, "hidden": hidden}
    if fmt == "csv":
        return CsvReader(path, encoding=encoding, delimiter=delimiter, **table)
    if fmt == "xlsx":
        return XlsxReader(path, sheet=sheet, **table)
    if fmt == "ods":
        return OdsReader(path, sheet=sheet, **table)
    raise ReadError(_("Unknown file format {fmt}; use CSV, XLSX or ODS.").format(fmt=fmt))


class Reader:
    """``header`` (list of column names), iteration over ``(line, values | BadRow)`` after
    the header, and ``progress()`` — ``(done, total)`` in the reader's own unit for a bar.

    ``left_out`` says what was not read as data, for the user: ``sheets`` (the
    workbook's other sheets), ``hidden_columns`` (their headers), ``above``
    (lines above the header: titles), ``totals`` (``[line, first cell]`` of
    skipped totals rows; filled as the rows are read)."""

    format = ""
    header: list[str]
    encoding: str | None = None
    delimiter: str | None = None
    reading = None  # a CSV's encodings.Reading: is the text garbled in this encoding?
    sheets: list[str] = []
    sheet: str | None = None
    header_row: int = 1
    header_rows: int = 1
    read_hidden = False  # hidden columns read as data (asked for), not left out

    def _start_table(self, rows: Iterator[tuple[int, list | BadRow]], *, header_row: int | None, header_rows: int | None,
                     hidden_columns: set[int] = frozenset(), first_row_check=None) -> None:
        """Find the header among the first rows of ``rows`` (non-empty rows), then serve the rest."""
        buffered: list[tuple[int, list]] = []
        for line, values in rows:
            if isinstance(values, BadRow):
                if not buffered:
                    raise ReadError(values.reason)
                buffered.append((line, values))
            else:
                if not buffered and first_row_check is not None:
                    first_row_check(values)
                buffered.append((line, list(values)))
            if len(buffered) >= LOOKAHEAD and (header_row is None or line > header_row):
                break
        if not buffered:
            raise ReadError(_("The file is empty."))
        candidates = [v if isinstance(v, list) else [] for _l, v in buffered]
        if header_row is None:
            index, count = guess_header(candidates)
        else:
            index = next((i for i, (line, _v) in enumerate(buffered) if line >= header_row), None)
            if index is None or isinstance(buffered[index][1], BadRow):
                raise ReadError(_("Line {line} is not a row of the table (the file has no such non-empty line).").format(
                    line=header_row))
            count = 1
            if header_rows is None and index + 1 < len(buffered) and completes(candidates[index], candidates[index + 1]):
                count = 2
        if header_rows is not None:
            count = 2 if header_rows == 2 and index + 1 < len(buffered) else 1
        values = candidates[index] if count == 1 else join_header(candidates[index], candidates[index + 1])
        self.hidden = sorted(i for i in hidden_columns if i < len(values))
        shown = [v for i, v in enumerate(values) if i not in hidden_columns] if hidden_columns else values
        self.header = _header(shown)
        self.left_out["hidden_columns"] = [str(values[i] or "").strip() or _column_letter(i) for i in self.hidden]
        self.header_row, self.header_rows = buffered[index][0], count
        self.left_out["above"] = [line for line, _v in buffered[:index]]
        self._rest = rows
        self._buffered = buffered[index + count:]

    def _table_rows(self) -> Iterator[tuple[int, list | BadRow]]:
        hidden = set(self.hidden)
        for line, values in itertools.chain(self._buffered, self._rest):
            if isinstance(values, BadRow):
                yield line, values
                continue
            if is_totals(values):  # before hidden columns go: "Итого" may stand in one of them
                first = str(next(v for v in values if v not in (None, ""))).strip()
                self.left_out["totals"].append([line, first.replace("\x00", "")])
                continue
            if hidden:
                values = [v for i, v in enumerate(values) if i not in hidden]
            if _blank(values):
                continue
            yield line, values

    def __iter__(self) -> Iterator[tuple[int, list | BadRow]]:
        yield from self._table_rows()

    def progress(self) -> tuple[int, int | None]:
        return 0, None

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _blank(values) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _column_letter(index: int) -> str:
    """0 → A, 27 → AB: how a spreadsheet names a column."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _new_left_out() -> dict:
    return {"sheets": [], "hidden_sheets": [], "hidden_columns": [], "above": [], "totals": []}


def _header(values: list) -> list[str]:
    names = [("" if v is None else str(v)).strip() for v in values]
    while names and not names[-1]:
        names.pop()
    if not any(names):
        raise ReadError(_("The file has no header row with column names."))
    return names


# -- CSV -------------------------------------------------------------------------------


def detect_delimiter(lines: list[str]) -> str:
    """The candidate that splits the first rows into the most columns, consistently.

    ``csv.Sniffer`` guesses wrong on short files and quoted headers; parsing
    the sample with each candidate and preferring the same column count on
    every row (then on most rows, then more columns) is what people mean by
    "the delimiter". The count compared with is the rows' most common one, not
    the first row's: a title line above the header ("Прайс-лист на 01.03.2026")
    is one column whatever the delimiter, and a ``;`` file whose prices hold
    decimal commas must not read as a ``,`` file for it.
    """
    text = "".join(lines)
    best, best_score = ",", (False, -1.0, -1)
    for candidate in DELIMITERS:
        try:
            rows = [r for r in csv.reader(io.StringIO(text), delimiter=candidate) if r][:50]
        except csv.Error:
            continue
        if not rows:
            continue
        counts = [len(r) for r in rows[:-1]] or [len(rows[0])]  # the last sampled row may be cut
        usual = max(sorted(set(counts), reverse=True), key=counts.count)  # most common; on a tie the wider
        consistent = sum(1 for c in counts if c == usual)
        score = (usual > 1 and consistent == len(counts), consistent / len(counts) if usual > 1 else 0.0, usual)
        if score > best_score:
            best, best_score = candidate, score
    return best


class CsvReader(Reader):
    format = "csv"

    def __init__(self, path: Path, *, encoding: str | None = None, delimiter: str | None = None,
                 header_row: int | None = None, header_rows: int | None = None, hidden: bool = False):
        self.path = path
        self.size = path.stat().st_size
        self.left_out = _new_left_out()
        sample = spread_sample(path)  # evidence from across the file, not only its head
        detected = None if encoding else detect_encoding(sample)
        try:
            self.encoding = canonical(encoding or detected)
        except LookupError:
            raise ReadError(_("Unknown encoding {name}.").format(name=encoding)) from None
        if self.encoding == "utf-8" and sample.startswith(codecs.BOM_UTF8):
            self.encoding = "utf-8-sig"
        self.reading = check_reading(sample, self.encoding, detected=not encoding, best=detected)
        self.raw = open(path, "rb")
        # Undecodable bytes become U+FFFD and the row is rejected (see __iter__), never guessed at.
        self.text = io.TextIOWrapper(self.raw, encoding=self.encoding, errors="replace", newline="")
        head = self.raw.read(SAMPLE_BYTES).decode(self.encoding, errors="replace")
        self.raw.seek(0)
        self.delimiter = delimiter or detect_delimiter(head.splitlines(keepends=True)[:51])
        csv.field_size_limit(CSV_FIELD_LIMIT)
        self.reader = csv.reader(self.text, delimiter=self.delimiter, quotechar='"', doublequote=True, strict=False)
        self.line = 0
        try:
            self._start_table(self._rows(), header_row=header_row, header_rows=header_rows, first_row_check=self._readable)
        except ReadError:
            self.text.close()
            raise

    def _next(self) -> list | BadRow | None:
        try:
            row = next(self.reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            self.line += 1
            return BadRow(_("This row cannot be read: {error}.").format(error=exc))
        self.line += 1
        return row

    def _readable(self, row: list) -> None:
        if any(REPLACEMENT in v or any(c < " " and c not in "\t\n\r" for c in v) for v in row):
            # A first row no one could have typed: binary bytes (the upload refuses them
            # earlier, core/uploads/text.py; this covers ``klientela import FILE``).
            raise ReadError(_("The first row cannot be read as text in {encoding}: is this a CSV file?").format(
                encoding=self.encoding))

    def _rows(self):
        self._first_line = 0  # the first non-empty row goes to _readable as it is
        while True:
            row = self._next()
            if row is None:
                return
            if not self._first_line and not isinstance(row, BadRow) and not _blank(row):
                self._first_line = self.line
            if isinstance(row, BadRow):
                yield self.line, row
            elif _blank(row):
                continue
            elif any(REPLACEMENT in v for v in row) and self.line > self._first_line:
                yield self.line, BadRow(_("Some characters cannot be read as {encoding}.").format(encoding=self.encoding))
            else:
                yield self.line, row

    def progress(self):
        try:
            return self.raw.tell(), self.size
        except (OSError, ValueError):
            return 0, self.size

    def close(self):
        self.text.close()


# -- XLSX ------------------------------------------------------------------------------


class XlsxReader(Reader):
    """One worksheet, read-only (streamed); cell values as Python values (numbers, dates).

    openpyxl's read-only mode gives merged cells as empty (only the top-left
    cell holds the value), which is what the header guess expects; it does not
    give column widths, so hidden columns are read from the sheet's ``<cols>``
    element, which comes before its rows."""

    format = "xlsx"

    def __init__(self, path: Path, *, sheet: str | None = None, header_row: int | None = None,
                 header_rows: int | None = None, hidden: bool = False):
        from openpyxl import load_workbook

        self.left_out = _new_left_out()
        self.read_hidden = hidden
        try:
            self.book = load_workbook(path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise ReadError(_("This is not a readable XLSX file ({error}).").format(error=exc)) from None
        try:
            worksheets = self.book.worksheets
            if not worksheets:
                raise ReadError(_("The workbook has no sheet."))
            self.sheets = [w.title for w in worksheets]
            visible = [w for w in worksheets if w.sheet_state == "visible"] or worksheets
            if sheet:
                chosen = next((w for w in worksheets if w.title == sheet), None)
                if chosen is None:
                    raise ReadError(_("The workbook has no sheet named {name}.").format(name=sheet))
            else:
                chosen = visible[0]
            self.sheet = chosen.title
            self.left_out["sheets"] = [w.title for w in worksheets if w is not chosen]
            self.left_out["hidden_sheets"] = [w.title for w in worksheets if w.sheet_state != "visible" and w is not chosen]
            self.worksheet = chosen
            self.total = chosen.max_row
            self.line = 0
            self._start_table(self._rows(), header_row=header_row, header_rows=header_rows,
                              hidden_columns=set() if hidden else _xlsx_hidden_columns(chosen))
        except BaseException:
            self.close()
            raise

    def _rows(self):
        for self.line, values in enumerate(self.worksheet.iter_rows(values_only=True), start=1):
            if not _blank(values):
                yield self.line, list(values)

    def progress(self):
        return self.line, self.total

    def close(self):
        self.book.close()


def _xlsx_hidden_columns(worksheet) -> set[int]:
    """0-based indexes of the columns a sheet hides (``<col min max hidden="1">``)."""
    from lxml import etree

    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    hidden: set[int] = set()
    try:
        with worksheet._get_source() as source:  # openpyxl's own handle on the sheet's XML part
            for event, element in etree.iterparse(source, events=("start",), resolve_entities=False, no_network=True,
                                                  load_dtd=False, huge_tree=True):
                if element.tag == f"{ns}sheetData":
                    break  # the rows follow: no <cols> after them
                if element.tag == f"{ns}col" and element.get("hidden") in ("1", "true"):
                    low, high = int(element.get("min", "1")), int(element.get("max", "1"))
                    hidden.update(range(low - 1, min(high, MAX_COLUMNS)))
    except (etree.XMLSyntaxError, ValueError, KeyError, OSError):
        return set()  # the rows' own reading reports a broken sheet
    return hidden


# -- ODS -------------------------------------------------------------------------------

TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
T_TABLE, T_ROW = f"{{{TABLE_NS}}}table", f"{{{TABLE_NS}}}table-row"
T_COLUMN, T_NAME, T_VISIBILITY = f"{{{TABLE_NS}}}table-column", f"{{{TABLE_NS}}}name", f"{{{TABLE_NS}}}visibility"
T_CELL, T_COVERED = f"{{{TABLE_NS}}}table-cell", f"{{{TABLE_NS}}}covered-table-cell"
COLS_REPEATED, ROWS_REPEATED = f"{{{TABLE_NS}}}number-columns-repeated", f"{{{TABLE_NS}}}number-rows-repeated"
VALUE_TYPE = f"{{{OFFICE_NS}}}value-type"
MAX_COLUMNS = 16_384  # a spreadsheet's width; repeats beyond it are formatting, not data


def _ods_text(cell) -> str:
    """A cell's text: paragraphs joined by line breaks, ``text:s`` spaces and tabs kept."""
    paragraphs = []
    for p in cell.iterchildren(f"{{{TEXT_NS}}}p", f"{{{TEXT_NS}}}h"):
        parts = [p.text or ""]
        for node in p.iterdescendants():
            tag = node.tag
            if tag == f"{{{TEXT_NS}}}s":
                parts.append(" " * int(node.get(f"{{{TEXT_NS}}}c", "1")))
            elif tag == f"{{{TEXT_NS}}}tab":
                parts.append("\t")
            elif tag == f"{{{TEXT_NS}}}line-break":
                parts.append("\n")
            elif node.text:
                parts.append(node.text)
            if node.tail:
                parts.append(node.tail)
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs)


def _ods_value(cell) -> Any:
    kind = cell.get(VALUE_TYPE)
    if kind in ("float", "percentage", "currency"):
        raw = cell.get(f"{{{OFFICE_NS}}}value", "")
        try:
            number = Decimal(raw)
        except InvalidOperation:
            return _ods_text(cell) or None
        return int(number) if number == number.to_integral_value() and abs(number) < 2**63 else number
    if kind == "date":
        raw = cell.get(f"{{{OFFICE_NS}}}date-value", "")
        try:
            return datetime.fromisoformat(raw) if "T" in raw else date.fromisoformat(raw)
        except ValueError:
            return raw
    if kind == "boolean":
        return cell.get(f"{{{OFFICE_NS}}}boolean-value") == "true"
    text = _ods_text(cell)
    return text if text != "" else None


_ODS_TABLE_NAME = re.compile(rb'<table:table\s[^>]*?table:name="([^"]*)"')


def _ods_sheet_names(archive: zipfile.ZipFile) -> list[str]:
    """The sheets' names, by scanning ``content.xml``'s bytes (no parse: a big sheet costs only
    its decompression). Chunks overlap so a tag cut between two is still found once."""
    names: list[str] = []
    tail = b""
    with archive.open("content.xml") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            buffer = tail + chunk
            names += [html.unescape(m.group(1).decode("utf-8", "replace")) for m in _ODS_TABLE_NAME.finditer(buffer)
                      if m.end() > len(tail)]
            tail = buffer[-4096:]
    return names


class OdsReader(Reader):
    """One table of ``content.xml`` (by name; default the first), parsed as a stream (lxml ``iterparse``).

    Entities are not resolved and nothing is fetched from the network (lxml's
    ``resolve_entities=False``, ``no_network``), so a hostile file cannot
    expand or reach out; each row element is dropped once read. Columns the
    table hides (``table:visibility="collapse"``) are left out unless asked for.
    """

    format = "ods"

    def __init__(self, path: Path, *, sheet: str | None = None, header_row: int | None = None,
                 header_rows: int | None = None, hidden: bool = False):
        from lxml import etree

        self.left_out = _new_left_out()
        try:
            self.zip = zipfile.ZipFile(path)
            self.sheets = _ods_sheet_names(self.zip)
            self.stream = self.zip.open("content.xml")
        except (zipfile.BadZipFile, KeyError, OSError) as exc:
            raise ReadError(_("This is not a readable ODS file ({error}).").format(error=exc)) from None
        if sheet and sheet not in self.sheets:
            self.close()
            raise ReadError(_("The workbook has no sheet named {name}.").format(name=sheet))
        self.sheet = sheet or (self.sheets[0] if self.sheets else None)
        self.left_out["sheets"] = [name for name in self.sheets if name != self.sheet]
        self.total = self.zip.getinfo("content.xml").file_size
        self.events = etree.iterparse(self.stream, events=("start", "end"), tag=(T_TABLE, T_ROW, T_COLUMN),
                                      resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
        self.line = 0
        self.inside = False  # within the chosen table
        self.done = False
        self.hidden_columns: set[int] = set()
        self.columns = 0
        self.read_hidden = hidden
        try:
            rows = self._rows()
            first = next(rows, None)  # the table's columns (and their visibility) come before its rows
            head = iter([first] if first is not None else [])
            self._start_table(itertools.chain(head, rows), header_row=header_row, header_rows=header_rows,
                              hidden_columns=set() if hidden else self.hidden_columns)
        except etree.XMLSyntaxError as exc:
            self.close()
            raise ReadError(_("This is not a readable ODS file ({error}).").format(error=exc)) from None
        except ReadError:
            self.close()
            raise

    def _rows(self):
        for event, element in self.events:
            if element.tag == T_TABLE:
                if event == "start":
                    self.inside = not self.done and (self.sheet is None or element.get(T_NAME) == self.sheet)
                elif self.inside:
                    self.done = True
                    return  # only the chosen sheet
                continue
            if event != "end" or not self.inside:
                continue
            if element.tag == T_COLUMN:
                repeat = min(int(element.get(COLS_REPEATED, "1")), MAX_COLUMNS)
                if element.get(T_VISIBILITY) in ("collapse", "filter"):
                    self.hidden_columns.update(range(self.columns, min(self.columns + repeat, MAX_COLUMNS)))
                self.columns += repeat
                continue
            values: list = []
            for cell in element:
                if cell.tag not in (T_CELL, T_COVERED):
                    continue
                repeat = min(int(cell.get(COLS_REPEATED, "1")), MAX_COLUMNS)
                value = _ods_value(cell) if cell.tag == T_CELL else None
                if value is None and len(values) + repeat >= MAX_COLUMNS:
                    break  # trailing formatting-only columns
                values.extend([value] * repeat)
            while values and values[-1] is None:
                values.pop()
            repeat = int(element.get(ROWS_REPEATED, "1"))
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
            if not values:
                self.line += repeat
                continue
            for _i in range(repeat):
                self.line += 1
                yield self.line, values

    def __iter__(self):
        from lxml import etree

        try:
            yield from self._table_rows()
        except etree.XMLSyntaxError as exc:
            raise ReadError(_("The ODS file is broken after line {line} ({error}).").format(line=self.line, error=exc)) from None

    def progress(self):
        try:
            return self.stream.tell(), self.total
        except (OSError, ValueError, AttributeError):
            return 0, self.total

    def close(self):
        if hasattr(self, "stream"):
            self.stream.close()
        self.zip.close()

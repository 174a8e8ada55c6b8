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

Reading never fails on a row: what cannot be read becomes a :class:`BadRow`
(a CSV field past the size limit, bytes not valid in the file's encoding), so
the importer rejects that one row with the reason and goes on.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterator

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
                delimiter: str | None = None) -> "Reader":
    path = Path(path)
    fmt = fmt or detect_format(path)
    if fmt == "csv":
        return CsvReader(path, encoding=encoding, delimiter=delimiter)
    if fmt == "xlsx":
        return XlsxReader(path)
    if fmt == "ods":
        return OdsReader(path)
    raise ReadError(_("Unknown file format {fmt}; use CSV, XLSX or ODS.").format(fmt=fmt))


class Reader:
    """``header`` (list of column names), iteration over ``(line, values | BadRow)`` after
    the header, and ``progress()`` — ``(done, total)`` in the reader's own unit for a bar."""

    format = ""
    header: list[str]
    encoding: str | None = None
    delimiter: str | None = None

    def __iter__(self) -> Iterator[tuple[int, list | BadRow]]:
        raise NotImplementedError

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


def _header(values: list) -> list[str]:
    names = [("" if v is None else str(v)).strip() for v in values]
    while names and not names[-1]:
        names.pop()
    if not any(names):
        raise ReadError(_("The file has no header row with column names."))
    return names


# -- CSV -------------------------------------------------------------------------------


def detect_encoding(sample: bytes) -> str:
    """A BOM decides; then UTF-8 if the sample decodes as it; else charset-normalizer's guess.

    The sample may end inside a multi-byte character, hence the incremental
    decoder (``final=False``) for the UTF-8 check.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    # charset-normalizer's own best() ranks by "chaos" alone, and on a short
    # cp1251 sample mac-cyrillic ties at zero chaos; the match whose decoded
    # text reads as a language (coherence) is the one people meant.
    matches = list(from_bytes(sample))
    if not matches:
        return "cp1251"
    return max(matches, key=lambda m: (m.coherence, -m.chaos)).encoding


def detect_delimiter(lines: list[str]) -> str:
    """The candidate that splits the first rows into the most columns, consistently.

    ``csv.Sniffer`` guesses wrong on short files and quoted headers; parsing
    the sample with each candidate and preferring the same column count on
    every row (then more columns) is what people mean by "the delimiter".
    """
    text = "".join(lines)
    best, best_score = ",", (-1, -1)
    for candidate in DELIMITERS:
        try:
            rows = [r for r in csv.reader(io.StringIO(text), delimiter=candidate) if r][:50]
        except csv.Error:
            continue
        if not rows:
            continue
        counts = [len(r) for r in rows[:-1]] or [len(rows[0])]  # the last sampled row may be cut
        consistent = sum(1 for c in counts if c == counts[0])
        score = (counts[0] > 1 and consistent == len(counts), counts[0])
        if score > best_score:
            best, best_score = candidate, score
    return best


class CsvReader(Reader):
    format = "csv"

    def __init__(self, path: Path, *, encoding: str | None = None, delimiter: str | None = None):
        self.path = path
        self.size = path.stat().st_size
        self.raw = open(path, "rb")
        sample = self.raw.read(SAMPLE_BYTES)
        self.raw.seek(0)
        try:
            self.encoding = codecs.lookup(encoding or detect_encoding(sample)).name
        except LookupError:
            self.raw.close()
            raise ReadError(_("Unknown encoding {name}.").format(name=encoding)) from None
        if self.encoding == "utf-8" and sample.startswith(codecs.BOM_UTF8):
            self.encoding = "utf-8-sig"
        # Undecodable bytes become U+FFFD and the row is rejected (see _rows), never guessed at.
        self.text = io.TextIOWrapper(self.raw, encoding=self.encoding, errors="replace", newline="")
        head = sample.decode(self.encoding, errors="replace")
        self.delimiter = delimiter or detect_delimiter(head.splitlines(keepends=True)[:51])
        csv.field_size_limit(CSV_FIELD_LIMIT)
        self.reader = csv.reader(self.text, delimiter=self.delimiter, quotechar='"', doublequote=True, strict=False)
        self.line = 0
        try:
            self.header = self._read_header()
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

    def _read_header(self) -> list[str]:
        while True:
            row = self._next()
            if row is None:
                raise ReadError(_("The file is empty."))
            if isinstance(row, BadRow):
                raise ReadError(row.reason)
            if not _blank(row):
                if any(REPLACEMENT in v or any(c < " " and c not in "\t\n\r" for c in v) for v in row):
                    # A header no one could have typed: binary bytes (the upload refuses them
                    # earlier, core/uploads/text.py; this covers ``klientela import FILE``).
                    raise ReadError(_("The first row cannot be read as text in {encoding}: is this a CSV file?").format(
                        encoding=self.encoding))
                return _header(row)

    def __iter__(self):
        while True:
            row = self._next()
            if row is None:
                return
            if isinstance(row, BadRow):
                yield self.line, row
            elif _blank(row):
                continue
            elif any(REPLACEMENT in v for v in row):
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
    """The first worksheet, read-only (streamed); cell values as Python values (numbers, dates)."""

    format = "xlsx"

    def __init__(self, path: Path):
        from openpyxl import load_workbook

        try:
            self.book = load_workbook(path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise ReadError(_("This is not a readable XLSX file ({error}).").format(error=exc)) from None
        if not self.book.worksheets:
            raise ReadError(_("The workbook has no sheet."))
        self.sheet = self.book.worksheets[0]
        self.total = self.sheet.max_row
        self.rows = enumerate(self.sheet.iter_rows(values_only=True), start=1)
        self.line = 0
        for self.line, values in self.rows:
            if not _blank(values):
                self.header = _header(list(values))
                break
        else:
            self.close()
            raise ReadError(_("The file is empty."))

    def __iter__(self):
        for self.line, values in self.rows:
            if not _blank(values):
                yield self.line, list(values)

    def progress(self):
        return self.line, self.total

    def close(self):
        self.book.close()


# -- ODS -------------------------------------------------------------------------------

TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
T_TABLE, T_ROW = f"{{{TABLE_NS}}}table", f"{{{TABLE_NS}}}table-row"
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


class OdsReader(Reader):
    """The first table of ``content.xml``, parsed as a stream (lxml ``iterparse``).

    Entities are not resolved and nothing is fetched from the network (lxml's
    ``resolve_entities=False``, ``no_network``), so a hostile file cannot
    expand or reach out; each row element is dropped once read.
    """

    format = "ods"

    def __init__(self, path: Path):
        from lxml import etree

        try:
            self.zip = zipfile.ZipFile(path)
            self.stream = self.zip.open("content.xml")
        except (zipfile.BadZipFile, KeyError, OSError) as exc:
            raise ReadError(_("This is not a readable ODS file ({error}).").format(error=exc)) from None
        self.total = self.zip.getinfo("content.xml").file_size
        self.events = etree.iterparse(self.stream, events=("start", "end"), tag=(T_TABLE, T_ROW),
                                      resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
        self.line = 0
        self.tables = 0
        self.rows = self._rows()
        try:
            for self.line, values in self.rows:
                if not _blank(values):
                    self.header = _header(values)
                    break
            else:
                raise ReadError(_("The file is empty."))
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
                    self.tables += 1
                elif self.tables == 1:
                    return  # only the first sheet
                continue
            if event != "end" or self.tables != 1:
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
            for line, values in self.rows:
                if not _blank(values):
                    yield line, values
        except etree.XMLSyntaxError as exc:
            raise ReadError(_("The ODS file is broken after line {line} ({error}).").format(line=self.line, error=exc)) from None

    def progress(self):
        try:
            return self.stream.tell(), self.total
        except (OSError, ValueError, AttributeError):
            return 0, self.total

    def close(self):
        self.stream.close()
        self.zip.close()

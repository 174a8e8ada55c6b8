"""R2: the readers over encodings, delimiters, quoting, NUL and huge fields (property-based), XLSX and ODS."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.dataio.readers import BadRow, ReadError, detect_encoding, open_reader
from tests.dataio.conftest import write_csv

ENCODINGS = ("utf-8", "utf-8-sig", "cp1251")
DELIMITERS = (",", ";", "\t", "|")
QUOTING = (csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC)
# Characters cp1251 can encode, plus the troublemakers: quotes, delimiters, line breaks, NUL.
CP1251_TEXT = st.text(alphabet=st.sampled_from(list("abcXYZ 019АБВабвЁёЖж№—«»\"',;|\t\r\n\x00=+-@")), max_size=30)
HUGE = st.just("Ж" * 300_000)  # beyond csv's default field limit (131072)


def table(rows):
    return [["ref", "name", "note"]] + [[f"R{i}", *row] for i, row in enumerate(rows)]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(CP1251_TEXT, st.one_of(CP1251_TEXT, HUGE)), max_size=12),
       encoding=st.sampled_from(ENCODINGS), delimiter=st.sampled_from(DELIMITERS), quoting=st.sampled_from(QUOTING))
def test_csv_reads_back_exactly_what_was_written(tmp_path_factory, rows, encoding, delimiter, quoting):
    path = write_csv(tmp_path_factory.mktemp("csv") / "f.csv", table(rows), encoding=encoding, delimiter=delimiter, quoting=quoting)
    with open_reader(path, encoding=encoding, delimiter=delimiter) as reader:
        assert reader.header == ["ref", "name", "note"]
        got = list(reader)
    expected = [[f"R{i}", *row] for i, row in enumerate(rows)]
    # csv keeps "\r\n" inside quotes, and a bare "\r" only when quoted: compare what csv itself reads back.
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=delimiter, quoting=quoting).writerows(expected)
    assert [values for _line, values in got] == list(csv.reader(io.StringIO(buf.getvalue(), newline=""), delimiter=delimiter))
    lines = [line for line, _v in got]
    assert lines == sorted(set(lines)) and all(line >= 2 for line in lines)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(CP1251_TEXT, CP1251_TEXT), max_size=10), encoding=st.sampled_from(ENCODINGS),
       delimiter=st.sampled_from(DELIMITERS), junk=st.binary(max_size=40))
def test_detection_never_raises_and_every_row_is_a_row_or_explained(tmp_path_factory, rows, encoding, delimiter, junk):
    path = write_csv(tmp_path_factory.mktemp("csv") / "f.csv", table(rows), encoding=encoding, delimiter=delimiter)
    path.write_bytes(path.read_bytes() + junk)  # bytes that may be invalid in any encoding
    try:
        reader = open_reader(path)
    except ReadError:
        return  # a whole-file refusal is a clear error, not a crash
    with reader:
        for line, values in reader:
            assert line >= 2
            assert isinstance(values, list) or (isinstance(values, BadRow) and values.reason)


def test_encodings_are_detected_on_russian_text(tmp_path):
    rows = [["Наименование", "Телефон", "Адрес"], ["ООО \"Ромашка\"", "+7 495 123-45-67", "Москва, ул. Ленина, д. 1"],
            ["ИП Ёлкин Пётр", "8 (800) 000-00-00", "Санкт-Петербург"]]
    for encoding in ENCODINGS + ("koi8-r", "utf-16"):
        path = write_csv(tmp_path / f"{encoding}.csv", rows, encoding=encoding, delimiter=";")
        with open_reader(path) as reader:
            assert reader.header == rows[0], encoding
            assert [v for _l, v in reader] == rows[1:], encoding
            assert reader.delimiter == ";"
    assert detect_encoding("Клиент".encode("cp1251") * 20) in ("cp1251", "windows-1251")


def test_undecodable_bytes_reject_the_row_not_the_file(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes("name,note\nok,fine\n".encode() + b"bad,\xff\xfe\n" + "also ok,ещё\n".encode())
    with open_reader(path, encoding="utf-8") as reader:
        got = list(reader)
    assert [line for line, _ in got] == [2, 3, 4]
    assert isinstance(got[1][1], BadRow) and "utf-8" in got[1][1].reason
    assert got[2][1] == ["also ok", "ещё"]


def test_a_field_past_the_reader_limit_rejects_that_row_only(tmp_path, monkeypatch):
    import core.dataio.readers as readers

    monkeypatch.setattr(readers, "CSV_FIELD_LIMIT", 1000)
    path = write_csv(tmp_path / "big.csv", [["a", "b"], ["1", "x" * 5000], ["2", "y"]])
    with open_reader(path) as reader:
        got = list(reader)
    assert isinstance(got[0][1], BadRow) and got[-1] == (3, ["2", "y"])
    csv.field_size_limit(readers.CSV_FIELD_LIMIT)


def test_empty_and_headerless_files_are_refused(tmp_path):
    for content in (b"", b"\n\n", b",,\n"):
        path = tmp_path / "e.csv"
        path.write_bytes(content)
        with pytest.raises(ReadError):
            open_reader(path)


def test_xlsx_rows_keep_their_line_numbers_and_types(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Наименование", "Телефон", "Дата"])
    sheet.append(["Альфа", 79161234567, date(2024, 5, 1)])
    sheet.append([])
    sheet.append(["Бета", None, None])
    book.save(tmp_path / "f.xlsx")
    with open_reader(tmp_path / "f.xlsx") as reader:
        assert reader.format == "xlsx" and reader.header == ["Наименование", "Телефон", "Дата"]
        got = list(reader)
    assert [line for line, _ in got] == [2, 4]
    assert got[0][1][:2] == ["Альфа", 79161234567] and got[0][1][2].date() == date(2024, 5, 1)


def ods_file(path, rows_xml: str):
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="A">{rows_xml}</table:table>'
        '<table:table table:name="B"><table:table-row><table:table-cell office:value-type="string"><text:p>other sheet</text:p>'
        '</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>'
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
    return path


def cell(text=None, **attrs):
    a = " ".join(f'{k.replace("__", ":").replace("_", "-")}="{v}"' for k, v in attrs.items())
    body = f"<text:p>{text}</text:p>" if text is not None else ""
    return f"<table:table-cell {a}>{body}</table:table-cell>"


def test_ods_is_streamed_with_repeats_types_and_only_the_first_sheet(tmp_path):
    row = lambda *cells, repeat=1: f'<table:table-row table:number-rows-repeated="{repeat}">{"".join(cells)}</table:table-row>'
    xml = (
        row(cell("Имя", office__value_type="string"), cell("Сумма", office__value_type="string"), cell("Дата", office__value_type="string"))
        + row(cell("Альфа <b>", office__value_type="string"), cell("12.5", office__value_type="float", office__value="12.5"),
              cell("2024-05-01", office__value_type="date", office__date_value="2024-05-01"))
        + row(cell(), repeat=3)
        + row(cell("x", office__value_type="string", table__number_columns_repeated="2"))
        + row(cell(), repeat=1048000)
    )
    xml = xml.replace("Альфа <b>", "Альфа &lt;b&gt;")
    with open_reader(ods_file(tmp_path / "f.ods", xml)) as reader:
        assert reader.format == "ods" and reader.header == ["Имя", "Сумма", "Дата"]
        got = list(reader)
    assert got[0][0] == 2 and got[0][1][0] == "Альфа <b>" and str(got[0][1][1]) == "12.5" and got[0][1][2] == date(2024, 5, 1)
    assert got[1] == (6, ["x", "x"])
    assert len(got) == 2


def test_ods_entities_are_not_expanded(tmp_path):
    bomb = ('<!DOCTYPE x [<!ENTITY a "AAAAAAAAAA"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>')
    path = ods_file(tmp_path / "bomb.ods", '<table:table-row><table:table-cell office:value-type="string"><text:p>&b;</text:p>'
                                           '</table:table-cell></table:table-row>')
    with zipfile.ZipFile(path) as z:
        content = z.read("content.xml").decode().replace('?>', '?>' + bomb, 1)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("content.xml", content)
    try:
        with open_reader(path) as reader:
            assert "A" * 100 not in "".join(reader.header)
    except ReadError:
        pass  # refusing the file outright is as good


@pytest.mark.parametrize("seed", range(5))
def test_random_bytes_are_refused_as_a_whole_not_read_as_rows(tmp_path, seed):
    """Issue 14, item 9: random bytes named .csv were read as text rows, each one rejected."""
    import random

    path = tmp_path / "noise.csv"
    path.write_bytes(random.Random(seed).randbytes(5000))
    with pytest.raises(ReadError, match="cannot be read as text"):
        open_reader(path).close()


def test_a_title_line_does_not_hide_the_delimiter_of_a_semicolon_file_with_decimal_commas():
    from core.dataio.readers import detect_delimiter

    # A supplier's price list: a title above the header, prices and names holding commas.
    lines = ["Прайс-лист ООО «ТехноОпт» на 01.03.2026\n", "\n", "Артикул;Наименование;Цена\n",
             "NB-1;Ноутбук 16/512;64 350,00\n", "MON-2;Монитор 23,8\";13 990\n", "CAB-3;Кабель, бухта;17,40\n",
             "X-9;Товар, которого нет;100\n"]
    assert detect_delimiter(lines) == ";"
    assert detect_delimiter(["a,b,c\n", "1,2,3\n", "4,5,6\n"]) == ","  # a plain file as before
    assert detect_delimiter(["Title\n", "a\tb\n", "1\t2\n", "3\t4\n"]) == "\t"

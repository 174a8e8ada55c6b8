"""Files made the way offices save them: a title row, a merged two-row header, numbers as floats,
serial dates, a totals row, a second sheet, a hidden column (XLSX and ODS); cp1251 with a long
Latin head; UTF-8 with a BOM and multi-line cells."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

TITLE = "Список клиентов на 01.03.2024"
# The table under the title: a header merged over two rows ("Контакты" over two columns).
TOP = ["Код", "Наименование", "ИНН", "Контакты", None, "Дата основания", "Юридический адрес"]
BOTTOM = [None, None, None, "Телефон", "Email", None, None]
CLIENTS = [
    # code, name, INN as a number (leading zero lost), phone as a float, e-mail, date (serial or text), address
    (101, "ООО «Альфа»", 7707083893, 79161234567.0, "alpha@example.com", 36965, "г. Москва,\nул. Тверская, д. 1"),
    (102, "ИП Бетин Борис", 12345678943, 79161234568.0, "beta@example.com", "15.03.2001", "Казань"),
    (103, "АО «Гамма»", 7728168971, 79161234569.0, "gamma@example.com", 44197.0, "Тула"),
]
TOTALS = ["Итого", None, None, None, None, None, None]


def messy_xlsx(path: Path) -> Path:
    """Title, empty row, merged two-row header, three clients, a totals row; column A ("Код") hidden;
    a second sheet with notes."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Клиенты"
    sheet.append([TITLE])
    sheet.append([])
    sheet.append(TOP)
    sheet.append(BOTTOM)
    for name in ("A1:G1", "D3:E3", "A3:A4", "B3:B4", "C3:C4", "F3:F4", "G3:G4"):
        sheet.merge_cells(name)
    for row in CLIENTS:
        sheet.append(list(row))
    sheet.append(TOTALS[:1] + [None, None, None, None, None, None])
    sheet.cell(row=sheet.max_row, column=3, value=3.0)  # a count under "ИНН": a number, as totals are
    sheet.column_dimensions["A"].hidden = True
    other = book.create_sheet("Справка")
    other.append(["Источник", "Выгрузка из 1С"])
    book.save(path)
    return path


def _ods_cell(value) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, (int, float)):
        return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
    paragraphs = "".join(f"<text:p>{escape(line)}</text:p>" for line in str(value).split("\n"))
    return f'<table:table-cell office:value-type="string">{paragraphs}</table:table-cell>'


def messy_ods(path: Path) -> Path:
    """The same table as :func:`messy_xlsx`, as LibreOffice saves it (covered cells, a collapsed column)."""
    def row(cells):
        return "<table:table-row>" + "".join(cells) + "</table:table-row>"

    top = [_ods_cell(TOP[0]), _ods_cell(TOP[1]), _ods_cell(TOP[2]),
           '<table:table-cell table:number-columns-spanned="2" office:value-type="string"><text:p>Контакты</text:p></table:table-cell>',
           "<table:covered-table-cell/>", _ods_cell(TOP[5]), _ods_cell(TOP[6])]
    rows = [row([_ods_cell(TITLE)]), '<table:table-row><table:table-cell/></table:table-row>', row(top),
            row([_ods_cell(v) for v in BOTTOM])]
    rows += [row([_ods_cell(v) for v in client]) for client in CLIENTS]
    rows.append(row([_ods_cell("Итого"), _ods_cell(None), _ods_cell(3)]))
    columns = ('<table:table-column table:visibility="collapse"/>'
               '<table:table-column table:number-columns-repeated="6"/>')
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Клиенты">{columns}{"".join(rows)}</table:table>'
        '<table:table table:name="Справка"><table:table-row>' + _ods_cell("Источник") + _ods_cell("Выгрузка из 1С")
        + '</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>'
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
    return path


def cp1251_latin_head(path: Path, latin: int = 3000, cyrillic: int = 3000, header: str = "Наименование;ИНН;Эл. почта") -> Path:
    """A cp1251 semicolon export whose first ``latin`` rows are Latin and the rest Cyrillic."""
    lines = [header]
    lines += [f"Latin Trading {i};;l{i}@example.com" for i in range(latin)]
    names = ("ООО Ёлка", "ИП Петров Пётр", "АО «Ромашка»", "ЗАО Северный ветер")
    lines += [f"{names[i % 4]} {i};;c{i}@example.com" for i in range(cyrillic)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1251"))
    return path


def bom_multiline(path: Path) -> Path:
    """UTF-8 with a BOM (as Excel saves "CSV UTF-8"), with line breaks inside quoted cells."""
    text = ('Наименование;Юридический адрес;Фактический адрес\r\n'
            '"ООО ""Дельта""";"г. Москва,\r\nул. Ленина, д. 1\r\nофис 5";"Тула"\r\n'
            'ИП Эпсилон;"Казань\nул. Баумана";""\r\n')
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return path

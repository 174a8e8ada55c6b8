"""Issue 15, items 5 and 6: files as offices save them import as people meant them.

Encodings decided from the whole file (a cp1251 file with a long Latin head),
garbled readings flagged; workbooks with a title row, a merged two-row
header, a hidden "Код" column, a totals row, a second sheet, serial and
DD.MM.YYYY dates, INNs that lost their leading zero; UTF-8 with a BOM and
multi-line cells. Both engines (the import writes through the database)."""

from __future__ import annotations

from datetime import date

import pytest

from core.dataio.cells import CellReading, parse_local_date, restore_zeros, serial_to_datetime
from core.dataio.encodings import check_reading, spread_sample
from core.dataio.importer import create_run, get_run, preview, rejected_rows, run_import
from core.dataio.mapping import Mapping
from core.dataio.notes import encoding_warning, found_while_reading, reading_notes
from core.dataio.readers import ReadError, open_reader
from core.dataio.sheets import completes, guess_header, is_totals, join_header
from core.entities.spec import Field
from tests.dataio.conftest import ENTITY, client_rows, principal
from tests.dataio.office_files import bom_multiline, cp1251_latin_head, messy_ods, messy_xlsx

HEADER = ["Наименование", "ИНН", "Контакты / Телефон", "Контакты / Email", "Дата основания", "Юридический адрес"]
MAPPING = Mapping({"Наименование": "name", "ИНН": "inn", "Контакты / Телефон": "phone", "Контакты / Email": "email",
                   "Дата основания": "birthday", "Юридический адрес": "address_legal"}, "")


# -- encodings ----------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["Наименование;ИНН;Эл. почта", "Name;INN;Email"])
def test_a_long_latin_head_does_not_hide_a_cp1251_body(tmp_path, header):
    path = cp1251_latin_head(tmp_path / "old.csv", latin=3000, cyrillic=3000, header=header)
    with open(path, "rb") as f:
        head = f.read(64 * 1024)
    assert sum(b > 127 for b in head) <= 30  # the old detector's sample: Latin rows, at most a Russian header
    with open_reader(path) as reader:
        assert reader.encoding == "cp1251" and not reader.reading.garbled and reader.reading.detected
        rows = [values for _line, values in reader]
    assert rows[-1][0] == "ЗАО Северный ветер 2999" and len(rows) == 6000


def test_a_wrong_encoding_is_flagged_with_the_right_one(tmp_path):
    path = cp1251_latin_head(tmp_path / "old.csv", latin=300, cyrillic=300)
    with open_reader(path, encoding="cp1250") as reader:
        assert reader.encoding == "cp1250"  # what was given is what is used, and said
        assert reader.reading.garbled and reader.reading.better == "cp1251" and not reader.reading.detected
    utf8 = tmp_path / "utf8.csv"
    utf8.write_bytes(path.read_bytes().decode("cp1251").encode("utf-8"))
    flagged = check_reading(spread_sample(utf8), "cp1251", detected=False)
    assert flagged.garbled.startswith("Р") and flagged.better == "utf-8"  # "РћРћРћ": UTF-8 read as cp1251
    assert "cp1251" in encoding_warning({"reading": flagged.as_json()})
    assert not check_reading(spread_sample(utf8), "utf-8", detected=True).garbled


def test_utf8_with_a_few_broken_bytes_stays_utf8(tmp_path):
    path = tmp_path / "mostly.csv"
    good = "".join(f"Клиент {i};Москва\n" for i in range(200)).encode()
    path.write_bytes("Имя;Город\n".encode() + good + b"bad\xff;x\n" + good)
    with open_reader(path) as reader:
        assert reader.encoding == "utf-8"


def test_bom_and_multi_line_cells(tmp_path):
    with open_reader(bom_multiline(tmp_path / "bom.csv")) as reader:
        assert reader.encoding == "utf-8-sig" and reader.header[0] == "Наименование"
        rows = [values for _line, values in reader]
    assert rows[0][1] == "г. Москва,\r\nул. Ленина, д. 1\r\nофис 5"


# -- where the table is -------------------------------------------------------------------


def test_header_guess_skips_titles_and_joins_merged_rows():
    title, top, bottom = ["Клиенты на 01.03.2024"], ["Имя", "Контакты", None, "ИНН"], [None, "Телефон", "Email", None]
    data = ["Альфа", "+7 916", "a@example.com", "7707083893"]
    assert guess_header([title, top, bottom, data, data]) == (1, 2)
    assert join_header(top, bottom) == ["Имя", "Контакты / Телефон", "Контакты / Email", "ИНН"]
    # A plain header followed by a text-only record is one row.
    assert guess_header([["Имя", "Город"], ["Альфа", "Тула"]]) == (0, 1)
    assert not completes(["Имя", "Город"], ["Альфа", "Тула"])
    # Nothing looks like a header (numbers only): the first row, as before.
    assert guess_header([[1, 2], [3, 4]]) == (0, 1)


def test_totals_rows_are_recognised_but_not_a_client_called_total():
    assert is_totals(["Итого:", None, 3, "1 234,50"]) and is_totals(["TOTAL", 12.5]) and is_totals([None, "Всего", 7])
    assert not is_totals(["Total", "total@example.com"]) and not is_totals(["Итоговая ООО", 1])


@pytest.mark.parametrize("make", [messy_xlsx, messy_ods], ids=["xlsx", "ods"])
def test_a_messy_workbook_is_read_as_its_table(tmp_path, make):
    path = make(tmp_path / f"clients.{make.__name__[-4:]}")
    with open_reader(path) as reader:
        assert reader.header == HEADER and (reader.header_row, reader.header_rows) == (3, 2)
        rows = list(reader)
        assert [line for line, _v in rows] == [5, 6, 7]
        assert reader.left_out == {"sheets": ["Справка"], "hidden_sheets": [], "hidden_columns": ["Код"], "above": [1],
                                   "totals": [[8, "Итого"]]}
    assert rows[0][1][1] == 7707083893 and rows[0][1][5] == "г. Москва,\nул. Тверская, д. 1"
    with open_reader(path, hidden=True) as reader:
        assert reader.header == ["Код", *HEADER]  # asked for: the hidden column is read
    with open_reader(path, sheet="Справка") as reader:
        assert reader.sheet == "Справка" and reader.left_out["sheets"] == ["Клиенты"]
    with open_reader(path, header_row=4, header_rows=1) as reader:
        assert reader.header == ["", "", "Телефон", "Email"] and reader.header_row == 4  # as the user chose
    with pytest.raises(ReadError):
        open_reader(path, sheet="Нет такого")


# -- cells --------------------------------------------------------------------------------


def test_cells_dates_zeros_and_lines():
    assert serial_to_datetime(36965).date() == date(2001, 3, 15) and serial_to_datetime(44197.5).hour == 12
    assert serial_to_datetime(79161234567) is None
    assert parse_local_date("15.03.2001", "en").date() == date(2001, 3, 15)
    assert parse_local_date("03/15/2001", "en").date() == date(2001, 3, 15)
    assert parse_local_date("15/03/2001", "ru").date() == date(2001, 3, 15)
    assert parse_local_date("31.02.2001", "ru") is None
    assert restore_zeros(7707083893, (10, 12)) is None  # already 10 digits
    assert restore_zeros(123456789, (10, 12)) == "0123456789"
    assert restore_zeros(12345678901.0, (10, 12)) == "012345678901"
    assert restore_zeros(1234567, (10, 12)) is None  # three zeros short: not an INN that lost its zero
    inn = Field("inn", "text", {"en": "INN"}, digits=(10, 12))
    address = Field("address", "text", {"en": "Address"})
    notes = Field("notes", "long_text", {"en": "Notes"})
    cells = CellReading([inn, address, notes], "ru")
    assert cells.read(inn, 123456789) == "0123456789" and cells.read(inn, "123456789") == "123456789"
    assert cells.read(address, "г. Москва,\r\nул. Ленина\n\nофис 5") == "г. Москва, ул. Ленина, офис 5"
    assert cells.read(notes, "a\nb") == "a\nb"
    assert cells.summary() == [["joined_lines", "address", 1], ["leading_zeros", "inn", 1]]


# -- whole imports, both engines ----------------------------------------------------------


@pytest.mark.parametrize("make", [messy_xlsx, messy_ods], ids=["xlsx", "ods"])
async def test_a_messy_workbook_imports_and_says_what_it_did(kernel, tmp_path, make):
    who = principal()
    path = make(tmp_path / f"clients.{make.__name__[-4:]}")
    shown = await preview(kernel, ENTITY, who, path)
    assert shown.header == HEADER
    assert shown.mapping.columns.get("Контакты / Телефон") == "phone" and "@key" not in shown.mapping.columns.values()
    notes = " ".join(reading_notes(shown.read, shown.fields))
    assert "Справка" in notes and "Код" in notes and "3" in notes and "4" in notes
    run = await run_import(kernel, await create_run(kernel, ENTITY, who, path, MAPPING), who)
    assert run["status"] == "done", run["error"]
    assert (run["created"], run["rejected"]) == (3, 0), [r async for r in rejected_rows(run["id"])]  # the totals row is no rejected client
    got = {r["name"]: r for r in await client_rows()}
    assert got["ИП Бетин Борис"]["inn"] == "012345678943"  # its leading zero back
    assert got["ООО «Альфа»"]["phone"] == "+79161234567"
    said = " ".join(found_while_reading(run["mapping"]["read"], shown.fields))
    assert "Итого" in said and "8" in said and "1" in said
    rows = await _birthdays()
    assert rows == {"ООО «Альфа»": date(2001, 3, 15), "ИП Бетин Борис": date(2001, 3, 15), "АО «Гамма»": date(2021, 1, 1)}
    addresses = await _addresses()
    assert addresses["ООО «Альфа»"] == "г. Москва, ул. Тверская, д. 1"


async def _birthdays() -> dict:
    from piccolo.querystring import QueryString

    from core.db.engine import get_engine

    rows = await get_engine().run_querystring(QueryString('SELECT "name", "birthday" FROM "contacts_client"'))
    return {r["name"]: r["birthday"] if isinstance(r["birthday"], date) else date.fromisoformat(str(r["birthday"])[:10]) for r in rows}


async def _addresses() -> dict:
    from piccolo.querystring import QueryString

    from core.db.engine import get_engine

    rows = await get_engine().run_querystring(QueryString('SELECT "name", "address_legal" FROM "contacts_client"'))
    return {r["name"]: r["address_legal"] for r in rows}


async def test_cp1251_with_a_latin_head_imports_cyrillic_names(kernel, tmp_path):
    who = principal()
    path = cp1251_latin_head(tmp_path / "old.csv", latin=3000, cyrillic=500)
    run = await run_import(kernel, await create_run(kernel, ENTITY, who, path), who)
    assert run["status"] == "done" and run["encoding"] == "cp1251"
    assert (run["created"], run["rejected"]) == (3500, 0)
    names = {r["name"] for r in await client_rows()}
    assert "ООО Ёлка 0" in names and "ЗАО Северный ветер 499" in names and not any("Î" in n or "Ð" in n for n in names)


async def test_bom_multi_line_addresses_import(kernel, tmp_path):
    who = principal()
    path = bom_multiline(tmp_path / "bom.csv")
    run = await run_import(kernel, await create_run(kernel, ENTITY, who, path), who)
    assert run["status"] == "done" and (run["created"], run["rejected"]) == (2, 0), run
    addresses = await _addresses()
    assert addresses == {'ООО "Дельта"': "г. Москва, ул. Ленина, д. 1, офис 5", "ИП Эпсилон": "Казань, ул. Баумана"}
    assert any("joined" in n or "объедин" in n for n in found_while_reading((await get_run(run["id"]))["mapping"]["read"]))


# -- the screens ----------------------------------------------------------------------------


async def test_the_mapping_screen_rereads_and_the_dry_run_keeps_the_choice(app_factory, kernel, tmp_path):
    import re

    from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD, serving
    from tests.dataio.test_web import work

    app = app_factory(jobs_in_process=False)
    old = cp1251_latin_head(tmp_path / "old.csv", latin=300, cyrillic=30).read_bytes()
    book = messy_xlsx(tmp_path / "clients.xlsx").read_bytes()
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as client:
        sent = await client.post("/import/contacts/client/", files={"file": ("old.csv", old, "text/csv")})
        run_url = sent.headers["location"]
        page = (await client.get(run_url)).text
        assert 'data-reading="garbled"' not in page and "<option selected>cp1251</option>" in page
        wrong = await client.post(run_url, data={"action": "reread", "encoding": "cp1250", "header_row": "1", "header_rows": "1"})
        assert wrong.status_code == 303
        page = (await client.get(run_url)).text
        assert 'data-reading="garbled"' in page and "cp1251 reads it correctly" in page  # said, with the way out
        await client.post(run_url, data={"action": "reread", "encoding": "cp1251", "header_row": "1", "header_rows": "1"})
        page = (await client.get(run_url)).text
        assert 'data-reading="garbled"' not in page
        assert dict(re.findall(r'name="(col_\d)">.*?<option value="([^"]*)"[^>]*selected', page, re.S))["col_0"] == "name"

        sent = await client.post("/import/contacts/client/", files={"file": ("clients.xlsx", book, "application/octet-stream")})
        run_url = sent.headers["location"]
        await client.post(run_url, data={"action": "reread", "sheet": "Клиенты", "header_row": "3", "header_rows": "2", "hidden": "1"})
        page = (await client.get(run_url)).text
        assert '<label for="col-0">Код</label>' in page  # asked for: the hidden column is read
        choice = {"col_1": "name", "col_2": "inn", "col_3": "phone", "col_4": "email", "col_5": "birthday", "col_6": "address_legal"}
        dry = await client.post(run_url, data={**choice, "action": "dry"})
        await work(app)
        page = (await client.get(dry.headers["location"])).text
        assert "First rows as read" in page and "ООО «Альфа»" in page and "Код" in page  # the dry run read as chosen
        status = (await client.get(dry.headers["location"] + "/status")).text
        assert 'data-count="created">3<' in status and 'data-count="rejected">0<' in status
        assert "totals row is skipped: line 8 (Итого)" in status and "leading zeros restored in 1 value" in status


def test_a_garbled_sample_holds_no_control_characters():
    """Found on PostgreSQL by the pipeline property test: the garbled words shown to the user went
    into the run's JSON with a NUL, which PostgreSQL text cannot hold."""
    sample = ("name\n" + "Ж\x00ёлтый дом\n" * 30).encode("utf-8")
    reading = check_reading(sample, "cp1251", detected=False)
    assert reading.garbled and "\x00" not in reading.garbled

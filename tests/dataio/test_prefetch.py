"""Spreadsheets read ahead in a child process: the same rows as the plain reader, the same
errors, and no child left behind — not after close, not after the import is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date

import pytest

from core.dataio.prefetch import CHUNK_ROWS, PrefetchedReader, open_prefetched
from core.dataio.readers import CsvReader, ReadError, open_reader
from tests.dataio.test_readers import cell, ods_file


def workbook(path, rows: int):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("clients")
    sheet.append(["Наименование", "Телефон", "Дата"])
    for i in range(rows):
        sheet.append([f"Клиент {i}", 79160000000 + i, date(2024, 5, 1 + i % 28)] if i % 7 else [])
    book.save(path)
    return path


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped) counts as gone.
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split(") ", 1)[1][0] != "Z"


def test_an_xlsx_reads_the_same_rows_lines_and_progress_as_without_prefetch(tmp_path):
    path = workbook(tmp_path / "f.xlsx", CHUNK_ROWS * 2 + 37)  # several chunks and a partial one
    with open_reader(path) as plain:
        expected, header = list(plain), plain.header
        end = plain.progress()
    with open_prefetched(path) as ahead:
        assert isinstance(ahead, PrefetchedReader) and ahead.format == "xlsx" and ahead.header == header
        got = list(ahead)
        assert ahead.progress() == end
    assert got == expected


def test_an_ods_reads_the_same_rows(tmp_path):
    row = lambda *cells: f"<table:table-row>{''.join(cells)}</table:table-row>"  # noqa: E731
    xml = row(cell("Имя", office__value_type="string")) + row(cell("Альфа", office__value_type="string"))
    path = ods_file(tmp_path / "f.ods", xml)
    with open_reader(path) as plain, open_prefetched(path) as ahead:
        assert ahead.header == plain.header == ["Имя"] and list(ahead) == list(plain)


def test_a_csv_is_read_in_process(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("a;b\n1;2\n", encoding="utf-8")
    with open_prefetched(path, encoding="utf-8", delimiter=";") as reader:
        assert isinstance(reader, CsvReader) and list(reader) == [(2, ["1", "2"])]


def test_a_broken_spreadsheet_is_the_plain_readers_error(tmp_path):
    path = tmp_path / "f.xlsx"
    path.write_bytes(b"not a zip at all")
    with pytest.raises(ReadError) as plain:
        open_reader(path, "xlsx")
    with pytest.raises(ReadError) as ahead:
        open_prefetched(path, "xlsx")
    assert str(ahead.value) == str(plain.value)


def test_close_ends_the_child_even_mid_file(tmp_path):
    reader = open_prefetched(workbook(tmp_path / "f.xlsx", CHUNK_ROWS * 8))
    next(iter(reader))
    reader.close()
    assert not reader.child.is_alive()


CHILD_OF_A_KILLED_IMPORT = """
import os, signal, sys
from core.dataio.prefetch import open_prefetched
reader = open_prefetched(sys.argv[1])
next(iter(reader))
print(reader.child.pid, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_the_child_exits_when_the_import_is_killed(tmp_path):
    path = workbook(tmp_path / "f.xlsx", CHUNK_ROWS * 12)  # more than the queue holds
    proc = subprocess.run([sys.executable, "-c", CHILD_OF_A_KILLED_IMPORT, str(path)], capture_output=True, text=True,
                          timeout=120, cwd=os.getcwd())
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    child = int(proc.stdout.split()[0])
    deadline = time.monotonic() + 30
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(child)

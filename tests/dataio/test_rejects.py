"""Issue 15 item 4: the rejected-rows file is guarded like an export, written as the run goes, in the reader's language."""

from __future__ import annotations

import csv

import pytest

from core.dataio.importer import create_run, get_run, run_import
from core.dataio.mapping import Mapping
from core.dataio.rejects import RejectsFile, RejectsLayout, reject_lines, rejected_rows
from core.i18n import use_locale
from tests.dataio.conftest import ENTITY, principal, write_csv

LIVE = ["=HYPERLINK(\"http://evil\",\"x\")", "@SUM(1)", "+cmd|' /C calc'!A0", "-1+2"]
MAPPING = Mapping({"ref": "@key", "name": "name", "email": "email"}, "@key")


async def rejecting_run(kernel, tmp_path, rows: int = 12):
    """A run whose every other row has a bad e-mail and a formula in its name."""
    data = [["ref", "name", "email"]]
    for i in range(rows):
        data.append([f"R{i}", LIVE[i % len(LIVE)] + f" {i}", f"c{i}@example.com" if i % 2 else f"bad{i}"])
    who = principal()
    path = write_csv(tmp_path / "in.csv", data)
    return who, await create_run(kernel, ENTITY, who, path, MAPPING)


def read(path, delimiter=","):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f, delimiter=delimiter))


async def test_the_file_is_written_batch_by_batch_guarded_and_complete(kernel, tmp_path):
    who, run_id = await rejecting_run(kernel, tmp_path)
    target = tmp_path / "rejected.csv"
    with use_locale("en"):
        written = RejectsFile(target, await RejectsLayout.of(kernel, await get_run(run_id)))
    seen = []

    async def progress(run):
        await written.catch_up(run["next_line"])
        seen.append(len(read(target)) - 1 if target.exists() else 0)

    run = await run_import(kernel, run_id, who, progress=progress, batch_rows=4)
    await written.catch_up()
    written.close()
    assert run["rejected"] == 6 and seen == [2, 4, 6]  # the file grew with every batch, not at the end
    rows = read(target)
    assert rows[0] == ["Line", "Field", "Reason", "ref", "name", "email"]
    assert [r[0] for r in rows[1:]] == ["2", "4", "6", "8", "10", "12"] and {r[1] for r in rows[1:]} == {"Email"}
    names = [r[4] for r in rows[1:]]
    assert all(not n.startswith(("=", "+", "-", "@")) for n in names), names  # never live in a spreadsheet
    assert names[0] == "'=HYPERLINK(\"http://evil\",\"x\") 0" and names[1] == "'+cmd|' /C calc'!A0 2"


async def test_the_download_is_in_the_readers_language_and_separator(kernel, tmp_path):
    who, run_id = await rejecting_run(kernel, tmp_path, rows=4)
    await run_import(kernel, run_id, who)
    with use_locale("ru"):
        text = "".join([chunk async for chunk in reject_lines(kernel, await get_run(run_id), chunk=1)])
    lines = list(csv.reader(text.lstrip("\ufeff").splitlines(), delimiter=";"))
    assert lines[0] == ["Строка", "Поле", "Причина", "ref", "name", "email"]
    assert [r[1] for r in lines[1:]] == ["Эл. почта", "Эл. почта"] and lines[1][4] == "'=HYPERLINK(\"http://evil\",\"x\") 0"


async def test_rejections_are_read_a_span_of_lines_at_a_time_in_file_order(kernel, tmp_path, monkeypatch):
    import core.dataio.rejects as rejects

    who, run_id = await rejecting_run(kernel, tmp_path, rows=20)
    await run_import(kernel, run_id, who)
    monkeypatch.setattr(rejects, "SPAN", 3)  # several queries, each a range of lines
    lines = [line async for line, *_ in rejected_rows(run_id)]
    assert lines == list(range(2, 22, 2))
    assert [line async for line, *_ in rejected_rows(run_id, 5, 11)] == [6, 8, 10]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
async def test_an_xlsx_cell_is_taken_as_it_is_a_csv_cell_loses_only_our_guard(kernel, tmp_path, fmt):
    from openpyxl import Workbook

    from core.permissions.gate import Gate, ListRequest

    who = principal()
    rows = [["name"], ["'=quoted in the source"], ["plain"]]
    if fmt == "csv":
        path = write_csv(tmp_path / "a.csv", rows)
    else:
        book = Workbook()
        for row in rows:
            book.active.append(row)
        path = tmp_path / "a.xlsx"
        book.save(path)
    run = await run_import(kernel, await create_run(kernel, ENTITY, who, path, Mapping({"name": "name"})), who)
    assert run["created"] == 2
    names = {r["name"] for r in (await Gate(kernel, kernel.entities[ENTITY], who).list(ListRequest())).rows}
    assert names == ({"=quoted in the source", "plain"} if fmt == "csv" else {"'=quoted in the source", "plain"})

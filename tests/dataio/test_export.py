"""Export: S11 neutralization, the gate's scope and field rules, the export permission, both formats."""

from __future__ import annotations

import csv

import pytest

from core.dataio.export import check_export, export_columns, export_request, neutralize, write_export
from core.entities.sql import Filter
from core.permissions.errors import NotFound, Refused
from core.permissions.gate import Gate, ListRequest
from tests.dataio.conftest import ENTITY, principal

NASTY = ["=HYPERLINK(\"http://evil\")", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", "plain", "'quoted"]


def gate(kernel, who):
    return Gate(kernel, kernel.entities[ENTITY], who)


async def seed(kernel, owner, names):
    g = gate(kernel, principal(owner))
    for i, name in enumerate(names):
        # One tax id for all: an export of branches; their e-mails tell them apart.
        await g.create({"name": name, "email": f"n{i}-{owner.hex[:6]}@example.com", "inn": "7707083893", "kpp": f"7707010{i:02d}"})


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_every_dangerous_start_is_neutralized():
    for text in NASTY:
        out = neutralize(text)
        assert not out.startswith(("=", "+", "-", "@", "\t", "\r")), text
        assert out.lstrip("'") == text.lstrip("'") or out == text


async def test_csv_and_xlsx_cells_never_start_a_formula(kernel, tmp_path):
    import uuid

    from openpyxl import load_workbook

    owner = uuid.uuid4()
    names = [n.replace("\r", "r").replace("\t", "t") if n[0] in "\r\t" else n for n in NASTY]  # names are one line
    await seed(kernel, owner, names)
    g = gate(kernel, principal(owner))
    cols = export_columns(g, ["name", "email"])
    n = await write_export(g, ListRequest(sort=["name"]), cols, "csv", tmp_path / "x.csv")
    assert n == len(names)
    cells = [c for row in read_csv(tmp_path / "x.csv")[1:] for c in row]
    assert all(not c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    assert "'=HYPERLINK(\"http://evil\")" in cells
    await write_export(g, ListRequest(sort=["name"]), cols, "xlsx", tmp_path / "x.xlsx")
    sheet = load_workbook(tmp_path / "x.xlsx").active
    # XLSX cells are typed text: never a formula, so they keep their text exactly, unguarded.
    assert sorted(row[0].value for row in sheet.iter_rows(min_row=2)) == sorted(names)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)  # no formula cell at all


async def test_export_follows_the_scope_filters_and_hidden_fields(kernel, tmp_path):
    import uuid

    alice, bob = uuid.uuid4(), uuid.uuid4()
    await seed(kernel, alice, ["Альфа", "Ромашка"])
    await seed(kernel, bob, ["Бета"])
    own = gate(kernel, principal(alice, "own", hidden=("email",)))
    cols = export_columns(own)
    assert "email" not in [c.name for c in cols]
    with pytest.raises(Refused):
        export_columns(own, ["name", "email"])
    n = await write_export(own, ListRequest(filters=[Filter("name", "startswith", "Ром")]), cols, "csv", tmp_path / "a.csv")
    rows = read_csv(tmp_path / "a.csv")
    assert n == 1 and rows[1][0] == "Ромашка"
    everyone = gate(kernel, principal(alice, "all"))
    assert await write_export(everyone, ListRequest(), export_columns(everyone), "csv", tmp_path / "b.csv") == 3
    header = read_csv(tmp_path / "b.csv")[0]
    assert "Email" in header or "Эл. почта" in header


def test_a_date_in_a_time_filter_is_the_users_whole_day_as_in_the_list(kernel):
    from core.dataio.jobs import Params
    from core.i18n import use_timezone

    with use_timezone("Asia/Vladivostok"):  # +10:00
        req = export_request(gate(kernel, principal()), Params([("created_at__gte", "2026-05-01"), ("created_at__lte", "2026-05-01")]))
    assert [(f.op, f.value) for f in req.filters] == [
        ("gte", "2026-04-30T14:00:00+00:00"), ("lte", "2026-05-01T13:59:59.999999+00:00")]


async def test_export_needs_its_permission(kernel):
    g = gate(kernel, principal(actions=("read",)))
    with pytest.raises(NotFound):
        check_export(g)
    check_export(gate(kernel, principal()))


async def test_an_export_round_trips_through_the_import(kernel, tmp_path):
    import uuid

    from core.dataio.importer import create_run, run_import

    owner = uuid.uuid4()
    await seed(kernel, owner, ["Альфа", "Бета"])
    who = principal(owner)
    g = gate(kernel, who)
    await write_export(g, ListRequest(), export_columns(g, ["name", "email", "inn", "kpp"]), "xlsx", tmp_path / "r.xlsx")
    run_id = await create_run(kernel, ENTITY, who, tmp_path / "r.xlsx")
    run = await run_import(kernel, run_id, who)
    assert run["status"] == "done"
    assert set(run["mapping"]["columns"].values()) == {"name", "email", "inn", "kpp"}  # the labels map back to the fields
    # The rows are the records themselves (the same e-mails): matched, never created again.
    assert (run["created"], run["unchanged"], run["rejected"]) == (0, 2, 0)
    run = await run_import(kernel, await create_run(kernel, ENTITY, who, tmp_path / "r.xlsx", on_match="create"), who)
    assert (run["created"], run["rejected"]) == (2, 0)  # "create anyway": every row creates a record


async def test_the_export_command_writes_the_filtered_list(kernel, tmp_path):
    import asyncio
    import os
    import subprocess
    import sys
    import uuid

    await seed(kernel, uuid.uuid4(), ["Альфа", "=Формула", "Бета"])
    out = tmp_path / "out.csv"
    proc = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "core.cli", "export", ENTITY, "--format", "csv",
                                                     "-o", str(out), "-f", "inn=7707083893", "--sort", "name", "--columns", "name,inn"],
                                   capture_output=True, text=True, env=os.environ.copy(), timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "3 rows written to" in proc.stdout  # the instance's language, plural right
    rows = read_csv(out)
    assert [r[0] for r in rows[1:]] == ["'=Формула", "Альфа", "Бета"] and rows[1][1] == "7707083893"
    bad = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "core.cli", "export", ENTITY, "-o", str(out),
                                                    "-f", "nosuchfield=1", "--lang", "ru"], capture_output=True, text=True,
                                   env=os.environ.copy(), timeout=300)
    assert bad.returncode != 0 and "nosuchfield" in bad.stderr
    assert bad.stderr.startswith("ошибка: ") and "{" not in bad.stderr  # said in the language asked for, not as a dict


# -- S11 through the delimiter (issue 14, item 6) ---------------------------------------

PROBE = "Acme LLC;=cmd|' /C calc'!A0"
ROUND_TRIP = ["=SUM(1;2)", "'=already quoted", "''-two", "-5 degrees", "@home", "+7 (929) 783-81-22 =x",
              "plain, with a comma", 'say "hi"; then go']


def test_a_phone_is_not_a_formula_and_every_guard_comes_off_again():
    from hypothesis import given, settings, strategies as st

    from core.dataio.guard import unguard

    assert neutralize("+79297838122") == "+79297838122"
    assert neutralize("+7 (929) 783-81-22") == "+7 (929) 783-81-22"
    assert neutralize("+7 929=cmd") == "'+7 929=cmd" and neutralize("+") == "'+" and neutralize("+()") == "'+()"
    assert neutralize("-79297838122") == "'-79297838122"  # only "+" starts a phone

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet=st.sampled_from(list("'=+-@\t\r0123 ()a;,")), max_size=8))
    def exact(text):
        assert unguard(neutralize(text)) == text
        assert not neutralize(text).startswith(("=", "-", "@", "\t", "\r"))

    exact()


async def test_a_comma_csv_read_with_semicolons_never_yields_a_formula(kernel, tmp_path):
    import uuid

    owner = uuid.uuid4()
    await gate(kernel, principal(owner)).create({"name": PROBE, "phone": "+79297838122", "email": "probe@example.com"})
    g = gate(kernel, principal(owner))
    await write_export(g, ListRequest(), export_columns(g), "csv", tmp_path / "probe.csv")
    with open(tmp_path / "probe.csv", encoding="utf-8-sig", newline="") as f:
        as_russian_excel = [cell for row in csv.reader(f, delimiter=";") for cell in row]
    assert as_russian_excel and not any(cell.lstrip().startswith("=") for cell in as_russian_excel), as_russian_excel
    header, row = read_csv(tmp_path / "probe.csv")
    assert row[0] == PROBE  # read with its own separator, the cell is whole and unchanged
    assert "+79297838122" in row  # a phone keeps its "+", not prefixed


async def test_an_exported_csv_imports_back_exactly(kernel, tmp_path):
    import uuid

    from core.dataio.importer import create_run, run_import
    from core.db.engine import get_engine

    owner = uuid.uuid4()
    await seed(kernel, owner, ROUND_TRIP)
    who = principal(owner)
    g = gate(kernel, who)
    await write_export(g, ListRequest(sort=["name"]), export_columns(g, ["name", "email", "inn", "kpp"]), "csv", tmp_path / "r.csv")
    assert "'=SUM(1;2)" in {r[0] for r in read_csv(tmp_path / "r.csv")}  # guarded in the file
    for table in ("sales_deal_stage_log", "sales_deal_line", "sales_deal", "contacts_client"):  # deals refer to clients
        await get_engine().run_ddl(f"DELETE FROM {table}")
    run = await run_import(kernel, await create_run(kernel, ENTITY, who, tmp_path / "r.csv"), who)
    assert (run["created"], run["rejected"]) == (len(ROUND_TRIP), 0), run
    back = await gate(kernel, who).list(ListRequest(sort=["name"], limit=100))
    assert sorted(r["name"] for r in back.rows) == sorted(ROUND_TRIP)


# -- issue 15 item 3: readable cells, every field, the reader's separator ----------------------


def test_the_command_lines_default_is_every_readable_field(kernel):
    g = gate(kernel, principal(hidden=("ogrn",)))
    names = [f.name for f in export_columns(g, everything=True)]
    assert {"kpp", "address_legal", "address_actual", "owner_id", "phones"} <= set(names)
    assert "ogrn" not in names and not {"id", "created_at", "version"} & set(names)
    assert len(names) > len(export_columns(g))  # more than the list's columns


async def test_a_russian_csv_is_semicolon_separated_with_labels_and_titles(kernel, tmp_path):
    import dataclasses
    import uuid

    owner = uuid.uuid4()
    who = dataclasses.replace(principal(owner), language="ru")
    clients = gate(kernel, who)
    twin_a = await clients.create({"name": "Ромашка", "kind": "person", "importance": "high", "phone": "+79297838122"})
    twin_b = await clients.create({"name": "Ромашка", "kind": "company"})
    alone = await clients.create({"name": "Лютик; и сыновья"})
    people = Gate(kernel, kernel.entities["contacts.contact"], who)
    for name, firm in (("Анна", twin_a), ("Борис", alone)):
        await people.create({"full_name": name, "client": firm["id"], "role": "decision_maker"})
    await write_export(clients, ListRequest(sort=["name"]), export_columns(clients, ["name", "kind", "importance", "phone"]), "csv",
                       tmp_path / "c.csv")
    text = (tmp_path / "c.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "Наименование;Вид;Важность;Телефон"
    assert '"Лютик; и сыновья";Компания;;' in text and "Ромашка;Частное лицо;Высокая (A);+79297838122" in text
    await write_export(people, ListRequest(sort=["full_name"]), export_columns(people, ["full_name", "client", "role"]), "csv",
                       tmp_path / "p.csv")
    rows = [line.split(";", 1) for line in (tmp_path / "p.csv").read_text(encoding="utf-8-sig").splitlines()[1:]]
    # A title two records share is written as the record's id; a unique one as the title.
    assert rows == [["Анна", f"{twin_a['id']};ЛПР"], ["Борис", '"Лютик; и сыновья";ЛПР']]
    assert twin_b["id"] != twin_a["id"]


def test_labels_in_any_language_and_case_read_back_as_codes():
    """What the export writes for people reads back: choice labels (core.dataio.choices), yes/no words."""
    from core.dataio.choices import ChoiceCells
    from core.dataio.readable import BooleanWords
    from core.entities.spec import Choice, Field
    from core.entities.validation import FieldError

    tier = ChoiceCells(Field("tier", "choice", {"en": "Tier"}, choices=(Choice("gold", {"en": "Gold", "ru": "Золото"}),
                                                                        Choice("iron", {"en": "Iron", "ru": "Железо"}),
                                                                        Choice("same", {"en": "Gold", "ru": "Золото"}))))
    tags = ChoiceCells(Field("tags", "multi_choice", {"en": "Tags"}, choices=(Choice("a", {"en": "A, first", "ru": "А"}),
                                                                              Choice("b", {"en": "B", "ru": "Б"}))))
    flag = BooleanWords()
    assert [tier(t) for t in ("iron", "ЖЕЛЕЗО", " Iron ", "gold")] == ["iron", "iron", "iron", "gold"]
    assert tier("Gold") == "gold"  # a code is always itself, whatever label looks like it
    with pytest.raises(FieldError):
        tier("золото")  # two choices share the label: it names neither
    assert tags("A, first; b") == ["a", "b"] and tags("а,Б") == ["a", "b"]
    assert [flag(w) for w in ("да", "Нет", "yes", "no", "true")] == [True, False, True, False, "true"]

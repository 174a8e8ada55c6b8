"""Matching imported rows to stored records (the entity's match rules), and undoing a run."""

from __future__ import annotations

import pytest

from core.dataio.importer import ImportError_, create_run, get_run, rejected_rows, run_import
from core.dataio.mapping import Mapping, MappingError
from core.dataio.undo import UndoRefused, undo_run
from tests.dataio.conftest import ENTITY, client_rows, principal, write_csv

HEADER = ["Наименование", "ИНН", "КПП", "Email", "Телефон"]


def base():
    return [HEADER,
            ["ООО Ромашка", "7707083893", "770701001", "info@romashka.ru", "+7 916 100-00-01"],
            ["ООО Ромашка (филиал)", "7707083893", "773101001", "", ""],
            ["ООО Лютик", "", "", "lutik@example.com", ""],
            ["ИП Васильев", "", "", "", "+7 916 100-00-04"]]


async def imported(kernel, who, path, mapping=None, **kw):
    run_id = await create_run(kernel, ENTITY, who, path, mapping, **kw)
    return await run_import(kernel, run_id, who)


def counts(run):
    return run["created"], run["updated"], run["unchanged"], run["skipped"], run["rejected"], run["ambiguous"]


async def test_the_same_file_twice_creates_nothing_new(kernel, tmp_path):
    who = principal()
    path = write_csv(tmp_path / "a.csv", base())
    first = await imported(kernel, who, path)
    assert first["status"] == "done", first["error"]
    assert first["key"] == ""  # no key column: the match rules alone find the records
    assert counts(first) == (4, 0, 0, 0, 0, 0)
    stored = await client_rows()
    again = await imported(kernel, who, write_csv(tmp_path / "b.csv", base()))
    assert counts(again) == (0, 0, 4, 0, 0, 0)
    assert await client_rows() == stored


async def test_rows_update_the_record_their_tax_id_kpp_email_or_phone_finds(kernel, tmp_path):
    who = principal()
    await imported(kernel, who, write_csv(tmp_path / "a.csv", base()))
    changed = base()
    changed[1][0] = "АО Ромашка"  # same INN + KPP
    changed[3][0] = "ООО Лютик и партнёры"  # same e-mail
    changed[4][4] = "8 (916) 100-00-04"  # the same phone typed another way
    changed[4][0] = "ИП Васильев А. А."
    run = await imported(kernel, who, write_csv(tmp_path / "b.csv", changed))
    assert counts(run) == (0, 3, 1, 0, 0, 0), [r async for r in rejected_rows(run["id"])]
    names = sorted(r["name"] for r in await client_rows())
    assert names == ["АО Ромашка", "ИП Васильев А. А.", "ООО Лютик и партнёры", "ООО Ромашка (филиал)"]


async def test_a_tax_id_without_kpp_matching_two_branches_is_ambiguous_and_named(kernel, tmp_path):
    who = principal()
    await imported(kernel, who, write_csv(tmp_path / "a.csv", base()))
    data = [HEADER, ["Ромашка", "7707083893", "", "", ""]]
    dry = await imported(kernel, who, write_csv(tmp_path / "b.csv", data), dry_run=True)
    assert counts(dry) == (0, 0, 0, 0, 1, 1)
    [(line, _field, reason, _row)] = [r async for r in rejected_rows(dry["id"])]
    assert line == 2 and "ООО Ромашка" in reason and "ООО Ромашка (филиал)" in reason
    assert "-" not in reason.split("(", 1)[1].split(")")[0].replace("ООО Ромашка (филиал", "")  # names, no ids


async def test_a_row_matching_only_by_name_is_never_updated(kernel, tmp_path):
    who = principal()
    await imported(kernel, who, write_csv(tmp_path / "a.csv", base()))
    before = await client_rows()
    data = [HEADER, ["ООО Лютик", "", "", "other@example.com", ""]]
    run = await imported(kernel, who, write_csv(tmp_path / "b.csv", data))
    assert counts(run) == (0, 0, 0, 0, 1, 1)
    [(_line, _field, reason, _row)] = [r async for r in rejected_rows(run["id"])]
    assert "ООО Лютик" in reason
    assert await client_rows() == before
    anyway = await imported(kernel, who, write_csv(tmp_path / "c.csv", data), on_match="create")
    assert counts(anyway) == (1, 0, 0, 0, 0, 0)


async def test_a_different_tax_id_parts_rows_that_share_an_email(kernel, tmp_path):
    who = principal()
    await imported(kernel, who, write_csv(tmp_path / "a.csv", base()))
    data = [HEADER, ["Другая фирма", "500100732259", "", "info@romashka.ru", ""]]
    run = await imported(kernel, who, write_csv(tmp_path / "b.csv", data))
    assert counts(run) == (1, 0, 0, 0, 0, 0)


async def test_skip_leaves_matched_records_alone_and_counts_them(kernel, tmp_path):
    who = principal()
    await imported(kernel, who, write_csv(tmp_path / "a.csv", base()))
    before = await client_rows()
    changed = base()
    changed[1][0] = "Новое имя"
    changed.append(["Новая фирма", "", "", "new@example.com", ""])
    run = await imported(kernel, who, write_csv(tmp_path / "b.csv", changed), on_match="skip")
    assert counts(run) == (1, 0, 0, 4, 0, 0)
    assert run["accepted"] + run["rejected"] == 5
    assert [r for r in await client_rows() if r["name"] != "Новая фирма"] == before


async def test_two_rows_of_one_file_for_one_record_the_later_is_rejected(kernel, tmp_path):
    who = principal()
    await imported(kernel, who, write_csv(tmp_path / "a.csv", base()))
    data = [HEADER, ["Лютик 1", "", "", "lutik@example.com", ""], ["Лютик 2", "", "", "lutik@example.com", ""]]
    run = await imported(kernel, who, write_csv(tmp_path / "b.csv", data))
    assert (run["updated"], run["rejected"]) == (1, 1)
    [(line, _f, reason, _r)] = [r async for r in rejected_rows(run["id"])]
    assert line == 3 and "Line 2" in reason


async def test_inn_plus_kpp_is_an_upsert_key_and_inn_alone_is_not(kernel, tmp_path):
    who = principal()
    path = write_csv(tmp_path / "a.csv", base())
    with pytest.raises(MappingError):
        await create_run(kernel, ENTITY, who, path, key="inn")
    first = await imported(kernel, who, path, key="inn+kpp")
    assert first["status"] == "done", first["error"]
    # Two rows without a tax id: their key is empty.
    assert (first["created"], first["rejected"]) == (2, 2)
    changed = base()[:3]
    changed[2][3] = "branch@romashka.ru"
    run = await imported(kernel, who, write_csv(tmp_path / "b.csv", changed), key="inn+kpp")
    assert (run["updated"], run["unchanged"]) == (1, 1)


async def test_on_match_must_be_one_of_the_choices(kernel, tmp_path):
    with pytest.raises(ImportError_):
        await create_run(kernel, ENTITY, principal(), write_csv(tmp_path / "a.csv", base()), on_match="merge")


async def test_undo_trashes_the_created_and_puts_back_the_updated(kernel, tmp_path):
    who = principal()
    await imported(kernel, who, write_csv(tmp_path / "a.csv", base()))
    before = await client_rows()
    changed = base()
    changed[1][0] = "АО Ромашка"
    changed.append(["Новая фирма", "", "", "new@example.com", ""])
    run = await imported(kernel, who, write_csv(tmp_path / "b.csv", changed))
    assert (run["created"], run["updated"]) == (1, 1)
    assert await undo_run(kernel, run["id"], who) == {"created": 1, "updated": 1}
    after = await client_rows()
    assert [{k: v for k, v in r.items() if k != "version"} for r in after] == \
        [{k: v for k, v in r.items() if k != "version"} for r in before]
    assert (await get_run(run["id"]))["status"] == "undone"
    with pytest.raises(UndoRefused):
        await undo_run(kernel, run["id"], who)


async def test_undo_is_refused_naming_a_record_changed_since(kernel, tmp_path):
    from core.permissions.gate import Gate, ListRequest

    who = principal()
    run = await imported(kernel, who, write_csv(tmp_path / "a.csv", base()))
    gate = await Gate.open(kernel, ENTITY, who)
    page = await gate.list(ListRequest(limit=10))
    lutik = next(r for r in page.rows if r["name"] == "ООО Лютик")
    await gate.update(lutik["id"], {"region": "Тула"}, version=lutik["version"])
    with pytest.raises(UndoRefused, match="ООО Лютик"):
        await undo_run(kernel, run["id"], who)
    assert len(await client_rows()) == 4  # nothing undone


async def test_undo_needs_the_delete_scope_on_the_created_records(kernel, tmp_path):
    who = principal()
    run = await imported(kernel, who, write_csv(tmp_path / "a.csv", base()))
    weaker = principal(who.user_id, actions=("read", "create", "write", "import"))
    with pytest.raises(UndoRefused):
        await undo_run(kernel, run["id"], weaker)
    assert len(await client_rows()) == 4


async def test_a_run_of_another_user_cannot_be_undone(kernel, tmp_path):
    from core.permissions.errors import NotFound

    run = await imported(kernel, principal(), write_csv(tmp_path / "a.csv", base()))
    with pytest.raises(NotFound):
        await undo_run(kernel, run["id"], principal())


async def test_a_dead_run_is_interrupted_and_a_changed_file_supersedes_it(kernel, tmp_path):
    from core.dataio.importer import find_unfinished
    from core.dataio.tables import ImportRun

    who = principal()
    data = base()
    path = write_csv(tmp_path / "a.csv", data)
    run_id = await create_run(kernel, ENTITY, who, path)
    await run_import(kernel, run_id, who, batch_rows=2, stop_after=1)
    # The process that ran it is gone: a pid that does not exist on this host.
    await ImportRun.update({ImportRun.runner: f"{__import__('socket').gethostname()}:999999999",
                            ImportRun.status: "running"}).where(ImportRun.id == run_id)
    assert await find_unfinished(ENTITY, who, path, (await _mapping(run_id)), False) == run_id
    assert (await get_run(run_id))["status"] == "interrupted"
    # One row appended: a new run of the whole file, the old one failed, nothing created twice.
    data.append(["Новая фирма", "", "", "new@example.com", ""])
    write_csv(path, data)
    assert await find_unfinished(ENTITY, who, path, (await _mapping(run_id)), False) is None
    fresh = await imported(kernel, who, path)
    assert (await get_run(run_id))["status"] == "failed"
    assert (fresh["created"], fresh["unchanged"]) == (3, 2)
    assert len(await client_rows()) == 5


async def _mapping(run_id):
    run = await get_run(run_id)
    return Mapping.from_json(run["mapping"])


async def test_rows_of_one_file_for_one_client_create_one_record_in_a_batch_and_across(kernel, tmp_path):
    who = principal()
    data = [HEADER, ["Лютик", "", "", "lutik@example.com", ""], ["Ромашка", "", "", "", "+7 916 100-00-09"],
            ["Лютик снова", "", "", "lutik@example.com", ""], ["Ромашка снова", "", "", "", "8 916 100 00 09"],
            ["Филиал 1", "7707083893", "770701001", "", "+7 916 200-00-00"],
            ["Филиал 2", "7707083893", "773101001", "", "+7 916 200-00-00"]]  # branches share a phone: two clients
    for batch_rows, dry_run in ((100, True), (2, True), (2, False)):
        run_id = await create_run(kernel, ENTITY, who, write_csv(tmp_path / f"{batch_rows}{dry_run}.csv", data), dry_run=dry_run)
        run = await run_import(kernel, run_id, who, batch_rows=batch_rows)
        assert (run["created"], run["rejected"]) == (4, 2), (batch_rows, dry_run)
        assert [(line, reason) async for line, _f, reason, _r in rejected_rows(run["id"])] == [
            (4, "Line 2 of this file already stands for the same record."),
            (5, "Line 3 of this file already stands for the same record.")]
    assert len(await client_rows()) == 4


async def test_a_shared_tax_id_is_pinned_to_one_branch_by_the_email(kernel, tmp_path):
    who = principal()
    data = base()
    data[2][3] = "branch@romashka.ru"
    await imported(kernel, who, write_csv(tmp_path / "a.csv", data))
    row = [HEADER, ["Филиал на Тверской", "7707083893", "", "branch@romashka.ru", ""]]
    run = await imported(kernel, who, write_csv(tmp_path / "b.csv", row))
    assert counts(run) == (0, 1, 0, 0, 0, 0)
    assert "Филиал на Тверской" in {r["name"] for r in await client_rows()}
    # The e-mail of one branch and the phone of the other: which one is it? Ambiguous.
    row = [HEADER, ["Кто-то", "7707083893", "", "branch@romashka.ru", "+7 916 100-00-01"]]
    run = await imported(kernel, who, write_csv(tmp_path / "c.csv", row))
    assert counts(run) == (0, 0, 0, 0, 1, 1)

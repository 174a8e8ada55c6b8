"""Importing files: mapping, upsert, re-runs, dry runs, rejects, permissions, audit."""

from __future__ import annotations

import pytest

from core.dataio.importer import create_run, get_run, rejected_rows, run_import
from core.dataio.mapping import Mapping
from core.permissions.errors import NotFound, Refused
from tests.dataio.conftest import ENTITY, client_rows, principal, write_csv

HEADER = ["Наименование", "ИНН", "Email", "Phone", "ref"]


def rows(n=3):
    return [HEADER] + [[f"Клиент {i}", "", f"c{i}@example.com", f"+7 916 000-00-{i:02d}", f"R{i}"] for i in range(n)]


async def imported(kernel, who, path, mapping=None, **kw):
    run_id = await create_run(kernel, ENTITY, who, path, mapping, **kw)
    return await run_import(kernel, run_id, who)


async def test_guessed_mapping_creates_then_a_rerun_changes_nothing(kernel, tmp_path):
    who = principal()
    path = write_csv(tmp_path / "a.csv", rows(3))
    run = await imported(kernel, who, path)
    assert run["status"] == "done", run["error"]
    assert run["mapping"]["columns"] == {"Наименование": "name", "ИНН": "inn", "Email": "email", "Phone": "phone", "ref": "@key"}
    assert (run["created"], run["updated"], run["unchanged"], run["rejected"]) == (3, 0, 0, 0)
    before = await client_rows()
    assert [r["name"] for r in before] == ["Клиент 0", "Клиент 1", "Клиент 2"]
    assert all(r["version"] == 1 and r["owner_id"] == str(who.user_id) for r in before)
    assert "клиент 0" in before[0]["search_text"] and "c0@example.com" in before[0]["search_text"]
    again = await imported(kernel, who, path)
    assert (again["created"], again["updated"], again["unchanged"], again["rejected"]) == (0, 0, 3, 0)
    assert await client_rows() == before


async def test_changed_rows_update_by_external_key_and_bump_the_version(kernel, tmp_path):
    who = principal()
    await imported(kernel, who, write_csv(tmp_path / "a.csv", rows(3)))
    changed = rows(4)
    changed[2][0] = "Клиент Один"
    run = await imported(kernel, who, write_csv(tmp_path / "b.csv", changed))
    assert (run["created"], run["updated"], run["unchanged"]) == (1, 1, 2)
    found = {r["name"]: r["version"] for r in await client_rows()}
    assert found == {"Клиент 0": 1, "Клиент Один": 2, "Клиент 2": 1, "Клиент 3": 1}


async def test_bad_rows_are_rejected_with_line_field_and_reason(kernel, tmp_path):
    who = principal()
    data = rows(4)
    data[2][2] = "not-an-email"
    data[3][0] = ""
    data.append(["Дубль", "", "d@example.com", "", "R0"])  # the same key as line 2
    run = await imported(kernel, who, write_csv(tmp_path / "a.csv", data))
    assert run["accepted"] + run["rejected"] == 5
    assert (run["created"], run["rejected"]) == (2, 3)
    rejects = [(line, field) async for line, field, _reason, _row in rejected_rows(run["id"])]
    assert rejects == [(3, "email"), (4, "name"), (6, "ref")]
    reasons = [r async for r in rejected_rows(run["id"])]
    assert "line 2" in reasons[-1][2] and reasons[-1][3][0] == "Дубль"
    assert reasons[0][3] == data[2] and reasons[0][2]


async def test_dry_run_writes_no_record_and_predicts_the_run(kernel, tmp_path):
    who = principal()
    await imported(kernel, who, write_csv(tmp_path / "a.csv", rows(2)))
    before = await client_rows()
    data = rows(4)
    data[1][0] = "Новое имя"
    data[3][2] = "bad"
    path = write_csv(tmp_path / "b.csv", data)
    dry = await imported(kernel, who, path, dry_run=True)
    assert (dry["created"], dry["updated"], dry["unchanged"], dry["rejected"]) == (1, 1, 1, 1)
    assert await client_rows() == before
    real = await imported(kernel, who, path)
    assert (real["created"], real["updated"], real["unchanged"], real["rejected"]) == (1, 1, 1, 1)


async def test_import_needs_the_import_permission(kernel, tmp_path):
    path = write_csv(tmp_path / "a.csv", rows(1))
    who = principal(actions=("read", "create", "write"))
    with pytest.raises(NotFound):
        await create_run(kernel, ENTITY, who, path)


async def test_mapping_a_field_the_user_may_not_write_is_refused(kernel, tmp_path):
    from core.dataio.mapping import MappingError

    path = write_csv(tmp_path / "a.csv", rows(1))
    who = principal(readonly=("inn",))
    with pytest.raises((MappingError, Refused)):
        await create_run(kernel, ENTITY, who, path, Mapping({"Наименование": "name", "ИНН": "inn"}))


async def test_updates_outside_the_write_scope_are_rejected(kernel, tmp_path):
    alice, bob = principal(scope="own"), principal(scope="own")
    path = write_csv(tmp_path / "a.csv", rows(2))
    await imported(kernel, alice, path)
    changed = rows(2)
    changed[1][0] = "Чужое"
    run = await imported(kernel, bob, write_csv(tmp_path / "b.csv", changed))
    assert (run["created"], run["updated"], run["rejected"]) == (0, 0, 2)
    assert {r["name"] for r in await client_rows()} == {"Клиент 0", "Клиент 1"}


async def test_each_imported_record_has_one_audit_row(kernel, tmp_path):
    from piccolo.querystring import QueryString

    from core.db.engine import get_engine

    who = principal()
    await imported(kernel, who, write_csv(tmp_path / "a.csv", rows(3)))
    changed = rows(3)
    changed[1][0] = "Другое"
    await imported(kernel, who, write_csv(tmp_path / "b.csv", changed))
    audit = await get_engine().run_querystring(QueryString(
        'SELECT "action", "old_value", "new_value", "actor_id" FROM "core_audit_change" ORDER BY "at"'))
    assert [a["action"] for a in audit] == ["import"] * 4
    assert "Другое" in audit[-1]["new_value"] and "Клиент 0" in audit[-1]["old_value"]

"""Issue 14, S3: an import obeys the import and assign scopes as the record screens do."""

from __future__ import annotations

import uuid

from core.dataio.importer import create_run, run_import
from core.dataio.mapping import Mapping
from core.permissions.principal import Principal
from tests.dataio.conftest import ENTITY, client_rows, write_csv

MAPPING = Mapping({"Наименование": "name", "Ответственный": "owner_id", "ref": "@key"}, key="@key")


def importer(assign: str = "all", import_scope: str = "all", user=None) -> Principal:
    user = user or uuid.uuid4()
    grants = {f"{ENTITY}.{a}": "all" for a in ("read", "create", "write", "delete", "restore", "export")}
    grants.update({f"{ENTITY}.import": import_scope, f"{ENTITY}.assign": assign})
    return Principal(user_id=user, grants=grants, team_member_ids=frozenset({user}), department_member_ids=frozenset({user}))


async def imported(kernel, who, path):
    return await run_import(kernel, await create_run(kernel, ENTITY, who, path, MAPPING), who)


async def test_a_file_naming_someone_else_as_owner_needs_the_assign_scope(kernel, tmp_path, make_user):
    from core.auth.passwords import cheap_hashing_for_tests

    with cheap_hashing_for_tests():  # owners are named by existing users
        me, someone = importer(assign="own", user=(await make_user()).id), (await make_user()).id
    path = write_csv(tmp_path / "a.csv", [["Наименование", "Ответственный", "ref"],
                                          ["Моя", str(me.user_id), "A1"], ["Чужая", str(someone), "A2"]])
    run = await imported(kernel, me, path)
    assert (run["created"], run["rejected"]) == (1, 1), run
    assert [(r["name"], r["owner_id"]) for r in await client_rows()] == [("Моя", str(me.user_id))]
    # Moving a stored record of one's own to someone else is an assignment too: own scope allows it.
    moved = await imported(kernel, me, write_csv(tmp_path / "b.csv", [["Наименование", "Ответственный", "ref"],
                                                                        ["Моя", str(someone), "A1"]]))
    assert moved["updated"] == 1, moved
    # ... and now it is someone else's: moving it back is refused, nothing changes.
    back = await imported(kernel, me, write_csv(tmp_path / "c.csv", [["Наименование", "Ответственный", "ref"],
                                                                       ["Моя", str(me.user_id), "A1"]]))
    assert (back["updated"], back["rejected"]) == (0, 1), back
    assert [(r["name"], r["owner_id"]) for r in await client_rows()] == [("Моя", str(someone))]


async def test_updates_reach_only_the_import_scope(kernel, tmp_path, make_user):
    from core.auth.passwords import cheap_hashing_for_tests

    with cheap_hashing_for_tests():
        owner = importer(user=(await make_user()).id)
    await imported(kernel, owner, write_csv(tmp_path / "a.csv", [["Наименование", "Ответственный", "ref"],
                                                                 ["Первая", str(owner.user_id), "B1"]]))
    narrow = importer(import_scope="own")
    run = await imported(kernel, narrow, write_csv(tmp_path / "b.csv", [["Наименование", "Ответственный", "ref"],
                                                                        ["Изменена", str(owner.user_id), "B1"]]))
    assert (run["updated"], run["rejected"]) == (0, 1), run
    assert [r["name"] for r in await client_rows()] == ["Первая"]

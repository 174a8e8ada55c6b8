"""Issue 15, items 7 and 8: cells as people write them — choice labels, references by
title or e-mail, every problem of a row — and references that name nobody."""

from __future__ import annotations

import uuid

import pytest

from core.dataio.importer import create_run, rejected_rows, run_import
from core.dataio.mapping import Mapping
from core.i18n import use_locale
from tests.dataio.conftest import ENTITY, client_rows, principal, write_csv

CONTACT = "contacts.contact"


async def imported(kernel, who, path, mapping=None, entity=ENTITY, **kw):
    return await run_import(kernel, await create_run(kernel, entity, who, path, mapping, **kw), who)


async def reasons(run) -> list[tuple[int, str, str]]:
    return [(line, field, reason) async for line, field, reason, _row in rejected_rows(run["id"])]


async def stored(field: str) -> dict[str, object]:
    return {r["name"]: r[field] for r in await client_rows()}


async def test_choices_are_read_from_codes_and_labels_in_any_language_and_case(kernel, tmp_path):
    from piccolo.querystring import QueryString

    from core.db.engine import get_engine

    path = write_csv(tmp_path / "a.csv", [
        ["Наименование", "Вид", "Важность", "Стадия"],
        ["Код", "company", "high", "regular"],
        ["Русский", "Компания", "Высокая (A)", "Постоянный"],
        ["English", "Person", "Low (C)", "one-time"],
        ["Регистр", "ЧАСТНОЕ  ЛИЦО", "средняя (b)", "POTENTIAL"],
        ["Ё", "Компания", "medium (B)", "Потерянный"],
    ])
    run = await imported(kernel, principal(), path)
    assert (run["created"], run["rejected"]) == (5, 0), await reasons(run)
    rows = await get_engine().run_querystring(QueryString(
        'SELECT "name", "kind", "importance", "stage" FROM "contacts_client" WHERE "deleted_at" IS NULL'))
    assert {r["name"]: (r["kind"], r["importance"], r["stage"]) for r in rows} == {
        "Код": ("company", "high", "regular"), "Русский": ("company", "high", "regular"),
        "English": ("person", "low", "one_time"), "Регистр": ("person", "medium", "potential"),
        "Ё": ("company", "medium", "lost")}


async def test_a_text_naming_no_choice_is_refused_with_the_labels_one_could_write(kernel, tmp_path):
    path = write_csv(tmp_path / "a.csv", [["Наименование", "Вид"], ["Банк", "Банк"]])
    with use_locale("ru"):
        run = await imported(kernel, principal(), path)
    assert await reasons(run) == [(2, "kind", "Выберите одно из: Компания, Частное лицо.")]


async def test_every_problem_of_a_row_is_reported_not_only_the_first(kernel, tmp_path):
    path = write_csv(tmp_path / "a.csv", [
        ["Наименование", "День рождения", "ИНН", "Email", "Вид"],
        ["Всё плохо", "не дата", "7707083894", "not-an-email", "банк"],
        ["Всё хорошо", "2001-03-15", "7707083893", "a@example.com", "Компания"],
    ])
    run = await imported(kernel, principal(), path)
    assert (run["created"], run["rejected"]) == (1, 1)
    # One rejected row (counted once), one reason per refused cell: the bad date no longer hides the bad tax id.
    assert sorted(field for line, field, _ in await reasons(run)) == ["birthday", "email", "inn", "kind"]


async def test_the_responsible_user_by_email_name_or_id_and_nobody_is_refused(kernel, tmp_path, make_user):
    from core.auth.passwords import cheap_hashing_for_tests
    from core.auth.users import deactivate_user
    from core.testing.fixtures import unique_email

    with cheap_hashing_for_tests():
        ann = await make_user(unique_email("ann"), name=f"Анна {uuid.uuid4().hex[:6]}")
        gone = await make_user(unique_email("gone"))
    await deactivate_user(gone.id)
    me = principal()
    path = write_csv(tmp_path / "a.csv", [
        ["Наименование", "Ответственный"],
        ["По почте", ann.email.upper()], ["По имени", ann.name], ["По id", str(ann.id)],
        ["Чужой id", str(uuid.uuid4())], ["Нет почты", "nobody@example.com"], ["Уволен", gone.email], ["Пусто", ""],
    ])
    run = await imported(kernel, me, path)
    assert (run["created"], run["rejected"]) == (4, 3), await reasons(run)
    assert [(line, field) for line, field, _ in await reasons(run)] == [(5, "owner_id"), (6, "owner_id"), (7, "owner_id")]
    assert "deactivated" in (await reasons(run))[-1][2]
    assert await stored("owner_id") == {"По почте": str(ann.id), "По имени": str(ann.id), "По id": str(ann.id),
                                        "Пусто": str(me.user_id)}


async def test_a_user_naming_nobody_goes_to_the_importer_when_the_mapping_says_so(kernel, tmp_path, make_user):
    from core.auth.passwords import cheap_hashing_for_tests

    with cheap_hashing_for_tests():
        me = principal(user=(await make_user()).id)
    path = write_csv(tmp_path / "a.csv", [["Наименование", "Ответственный"], ["Ничей", str(uuid.uuid4())],
                                          ["Тоже ничей", "left@old-crm.example"]])
    mapping = Mapping({"Наименование": "name", "Ответственный": "owner_id"}, unknown_user="me")
    run = await imported(kernel, me, path, mapping)
    assert (run["created"], run["rejected"]) == (2, 0), await reasons(run)
    assert set((await stored("owner_id")).values()) == {str(me.user_id)}


async def test_a_mapping_with_an_unknown_policy_for_users_is_refused(kernel, tmp_path):
    from core.dataio.mapping import MappingError

    path = write_csv(tmp_path / "a.csv", [["Наименование"], ["X"]])
    with pytest.raises(MappingError) as caught:
        await create_run(kernel, ENTITY, principal(), path, Mapping({"Наименование": "name"}, unknown_user="keep"))
    assert "unknown_user" in caught.value.errors


async def test_a_referenced_record_by_title_or_id_through_the_gate(kernel, tmp_path):
    owner, stranger = principal(scope="own"), principal(scope="own")
    await imported(kernel, owner, write_csv(tmp_path / "c.csv", [["Наименование"], ["Ромашка"], ["Ромашка"], ["Лютик"]]))
    await imported(kernel, stranger, write_csv(tmp_path / "s.csv", [["Наименование"], ["Чужая"]]))
    ids = {r["name"]: r for r in await client_rows()}
    from piccolo.querystring import QueryString

    from core.db.engine import get_engine

    by_name = {r["name"]: str(r["id"]) for r in await get_engine().run_querystring(QueryString(
        'SELECT "id", "name" FROM "contacts_client" WHERE "name" IN (\'Лютик\', \'Чужая\')'))}
    assert set(by_name) <= set(ids)
    path = write_csv(tmp_path / "p.csv", [
        ["ФИО", "Организация"],
        ["По названию", "Лютик"], ["По id", by_name["Лютик"].upper()], ["Двусмысленно", "Ромашка"],
        ["Нет такой", "Василёк"], ["Не видна", "Чужая"], ["Не видна по id", by_name["Чужая"]], ["Без компании", ""],
    ])
    with use_locale("ru"):
        run = await imported(kernel, owner, path, entity=CONTACT)
    assert (run["created"], run["rejected"]) == (3, 4), await reasons(run)
    found = await reasons(run)
    assert [(line, field) for line, field, _ in found] == [(4, "client"), (5, "client"), (6, "client"), (7, "client")]
    assert found[0][2] == "2 записи носят это название: укажите id нужной."
    # A record the user may not read is refused exactly as one that does not exist (nothing to probe).
    assert found[1][2] == found[2][2] == found[3][2]
    contacts = await get_engine().run_querystring(QueryString(
        'SELECT "full_name", "client" FROM "contacts_contact" WHERE "deleted_at" IS NULL'))
    assert {r["full_name"]: (str(r["client"]) if r["client"] else None) for r in contacts} == {
        "По названию": by_name["Лютик"], "По id": by_name["Лютик"], "Без компании": None}


async def test_references_are_resolved_per_batch_not_per_row(kernel, tmp_path, monkeypatch):
    """Validation stays cheap per row: a batch's distinct titles cost one gate query, whatever the rows."""
    from core.permissions.gate import Gate

    who = principal()
    await imported(kernel, who, write_csv(tmp_path / "c.csv", [["Наименование"], ["Лютик"], ["Ромашка"]]))
    calls = []
    original = Gate.list

    async def counted(self, req):
        calls.append(self.entity.key)
        return await original(self, req)

    monkeypatch.setattr(Gate, "list", counted)
    path = write_csv(tmp_path / "p.csv", [["ФИО", "Организация"]] + [[f"Лицо {i}", ("Лютик", "Ромашка")[i % 2]] for i in range(300)])
    run = await run_import(kernel, await create_run(kernel, CONTACT, who, path), who, batch_rows=100)
    assert (run["created"], run["rejected"]) == (300, 0)
    assert calls.count(ENTITY) == 1  # the titles of the first batch; later batches find them remembered


async def test_a_full_memory_of_titles_starts_afresh_without_losing_the_batchs_own(kernel, tmp_path, monkeypatch):
    from core.dataio import references

    who = principal()
    await imported(kernel, who, write_csv(tmp_path / "c.csv", [["Наименование"], ["Лютик"], ["Ромашка"], ["Василёк"]]))
    monkeypatch.setattr(references, "REMEMBERED", 2)
    path = write_csv(tmp_path / "p.csv", [["ФИО", "Организация"], ["А", "Лютик"], ["Б", "Ромашка"], ["В", "Лютик"], ["Г", "Василёк"]])
    run = await run_import(kernel, await create_run(kernel, CONTACT, who, path), who, batch_rows=2)
    assert (run["created"], run["rejected"]) == (4, 0), await reasons(run)

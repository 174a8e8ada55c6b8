"""Issue 15, item 10: an import speaks the language of the page or command that started it —
reasons, statuses, counts with their plural forms — and the command line says what went wrong
in sentences, with an exit code a script can trust."""

from __future__ import annotations

from core.cli.dataio import import_file
from core.dataio.importer import get_run, rejected_rows
from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD, serving
from tests.dataio.conftest import ENTITY, client_rows, principal, write_csv
from tests.dataio.test_web import work

CSV = "ref;Наименование;Эл. почта\nW1;Альфа;a@example.com\nW2;Бета;not-an-email\n".encode("utf-8")


async def test_a_run_speaks_the_language_of_the_page_that_started_it(app_factory, kernel):
    app = app_factory(jobs_in_process=False)
    ru, en = {"Accept-Language": "ru"}, {"Accept-Language": "en"}
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as client:
        sent = await client.post("/import/contacts/client/", files={"file": ("c.csv", CSV, "text/csv")}, headers=ru)
        run_url = sent.headers["location"]
        mapping = await client.get(run_url, headers=ru)
        assert '<select id="unknown_user" name="unknown_user">' in mapping.text and "заменяется на меня" in mapping.text
        choice = {"col_0": "@key", "col_1": "name", "col_2": "email", "key": "@key", "unknown_user": "me"}
        await client.post(run_url, data={**choice, "action": "run"}, headers=ru)
        await work(app)  # the job runs as the admin, whose account has no saved language: the instance's is English
        status = await client.get(run_url + "/status", headers=ru)
        assert "выполнено" in status.text and "1 запись создана" in status.text and "1 строка отклонена" in status.text
        later = await client.get(run_url + "/status", headers=en)
        assert ">done<" in later.text and "1 record created" in later.text and "1 row rejected" in later.text
    run_id = run_url.rsplit("/", 1)[1]
    assert (await get_run(run_id))["mapping"]["unknown_user"] == "me"  # the screen's choice is the run's
    reasons = [reason async for _line, _field, reason, _row in rejected_rows(run_id)]
    assert reasons == ["Введите правильный адрес электронной почты."], reasons


async def cli(kernel, who, path, capsys, **options):
    code = await import_file(kernel, who, ENTITY, path, **options)
    out = capsys.readouterr()
    return code, out.out, out.err


async def test_the_command_line_speaks_russian_and_fails_when_every_row_was_rejected(kernel, tmp_path, capsys):
    path = write_csv(tmp_path / "a.csv", [["Наименование", "Эл. почта"], ["Альфа", "нет"], ["Бета", "тоже нет"]])
    code, out, err = await cli(kernel, principal(), path, capsys, lang="ru")
    assert code == 1
    assert "2 строки прочитаны: 0 записей создано, 0 записей обновлено, 0 записей без изменений, 2 строки отклонены" in out
    assert "Ничего не импортировано: отклонены все строки." in err
    assert "Отклонённые строки:" in out
    assert "Введите правильный адрес электронной почты." in (tmp_path / "a.csv.rejected.csv").read_text(encoding="utf-8-sig")
    assert await client_rows() == []


async def test_a_run_that_imports_something_exits_0_in_english(kernel, tmp_path, capsys):
    path = write_csv(tmp_path / "a.csv", [["Name", "Email"], ["Alpha", "a@example.com"], ["Beta", "bad"]])
    code, out, err = await cli(kernel, principal(), path, capsys, lang="en")
    assert code == 0, err
    assert "2 rows read: 1 record created, 0 records updated, 0 records unchanged, 1 row rejected" in out
    assert err.count("error") == 0


async def test_a_refused_mapping_is_told_in_sentences_not_a_python_dict(kernel, tmp_path, capsys):
    path = write_csv(tmp_path / "a.csv", [["Наименование", "ИНН"], ["Альфа", "7707083893"]])
    code, out, err = await cli(kernel, principal(), path, capsys, lang="ru", key="inn")
    assert code == 1
    # The field by its label, in the command's language; no dict, no internal names.
    assert err.strip() == "Поле ИНН / налоговый номер не уникально, поэтому не может определять запись.", err


async def test_the_command_line_can_make_the_importer_responsible_for_unknown_users(kernel, tmp_path, capsys, make_user):
    from core.auth.passwords import cheap_hashing_for_tests

    with cheap_hashing_for_tests():
        me = principal(user=(await make_user()).id)
    path = write_csv(tmp_path / "a.csv", [["Наименование", "Ответственный"], ["Альфа", "ghost@old.example"]])
    code, _out, err = await cli(kernel, me, path, capsys, lang="en", unknown_user="me")
    assert code == 0, err
    assert [r["owner_id"] for r in await client_rows()] == [str(me.user_id)]


async def test_the_mapping_screen_says_its_refusals_in_sentences(app_factory, kernel):
    app = app_factory(jobs_in_process=False)
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as client:
        sent = await client.post("/import/contacts/client/", files={"file": ("c.csv", CSV, "text/csv")}, headers={"Accept-Language": "ru"})
        run_url = sent.headers["location"]
        refused = await client.post(run_url, data={"col_0": "@key", "col_1": "name", "col_2": "name", "key": "@key", "action": "run"},
                                    headers={"Accept-Language": "ru"})
    assert refused.status_code == 422
    assert "Столбец «Эл. почта»: Поле Наименование уже занято столбцом Наименование." in refused.text

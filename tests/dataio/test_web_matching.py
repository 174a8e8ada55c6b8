"""The import screens' matching and undo: the on-match choice, ambiguous rows named, the undo button, resume."""

from __future__ import annotations

from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD, serving
from tests.dataio.conftest import client_rows
from tests.dataio.test_web import work

CSV = ("Наименование;ИНН;КПП;Эл. почта\n"
       "ООО Ромашка;7707083893;770701001;info@romashka.ru\n"
       "ООО Ромашка (филиал);7707083893;773101001;\n").encode("cp1251")
AGAIN = ("Наименование;ИНН;КПП;Эл. почта\n"
         "АО Ромашка;7707083893;770701001;\n"
         "Ромашка без КПП;7707083893;;\n"
         "Новая;;;new@example.com\n").encode("cp1251")
CHOICE = {"col_0": "name", "col_1": "inn", "col_2": "kpp", "col_3": "email", "key": ""}


async def upload(client, app, data: bytes, action="run", **form) -> str:
    sent = await client.post("/import/contacts/client/", files={"file": ("clients.csv", data, "text/csv")})
    run_url = sent.headers["location"]
    mapping = await client.get(run_url)
    assert 'name="on_match" value="update" checked' in mapping.text
    assert 'value="inn+kpp"' in mapping.text  # the composite key is offered
    started = await client.post(run_url, data={**CHOICE, "action": action, **form})
    await work(app)
    return started.headers["location"]


async def test_dry_run_names_ambiguous_rows_then_import_and_undo(app_factory, kernel):
    app = app_factory(jobs_in_process=False)
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as client:
        await upload(client, app, CSV)
        assert len(await client_rows()) == 2
        before = await client_rows()
        dry = await client.get(await upload(client, app, AGAIN, action="dry") + "/status")
        assert 'data-count="updated">1<' in dry.text and 'data-count="created">1<' in dry.text
        assert 'data-count="ambiguous">1<' in dry.text and "ООО Ромашка (филиал)" in dry.text
        assert "undo-import" not in dry.text  # a dry run has nothing to undo
        run_url = await upload(client, app, AGAIN)
        status = await client.get(run_url + "/status")
        assert 'data-count="updated">1<' in status.text and 'id="undo-import"' in status.text
        assert sorted(r["name"] for r in await client_rows()) == ["АО Ромашка", "Новая", "ООО Ромашка (филиал)"]
        undone = await client.post(run_url + "/undo")
        assert undone.status_code == 303
        assert [{k: v for k, v in r.items() if k != "version"} for r in await client_rows()] == \
            [{k: v for k, v in r.items() if k != "version"} for r in before]
        again = await client.post(run_url + "/undo")
        assert again.status_code == 409 and "already undone" in again.text


async def test_skip_is_chosen_on_the_mapping_screen(app_factory, kernel):
    app = app_factory(jobs_in_process=False)
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as client:
        await upload(client, app, CSV)
        before = await client_rows()
        run_url = await upload(client, app, AGAIN, on_match="skip")
        status = await client.get(run_url + "/status")
        assert 'data-count="skipped">1<' in status.text and 'data-count="created">1<' in status.text
        assert [r for r in await client_rows() if r["name"] != "Новая"] == before


async def test_an_interrupted_run_is_shown_so_and_resumes(app_factory, kernel):
    from core.dataio.tables import ImportRun

    app = app_factory(jobs_in_process=False)
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as client:
        sent = await client.post("/import/contacts/client/", files={"file": ("clients.csv", CSV, "text/csv")})
        run_url = sent.headers["location"]
        await client.post(run_url, data={**CHOICE, "action": "run"})
        # Its process died before the worker took it: a runner on this host that is gone.
        import socket

        run_id = run_url.rsplit("/", 1)[1]
        await ImportRun.update({ImportRun.status: "running", ImportRun.runner: f"{socket.gethostname()}:999999999"}).where(
            ImportRun.id == run_id)
        status = await client.get(run_url + "/status")
        assert 'data-status="interrupted"' in status.text and 'id="resume-import"' in status.text
        resumed = await client.post(run_url + "/resume")
        assert resumed.status_code == 303
        await work(app)
        status = await client.get(run_url + "/status")
        assert 'data-status="done"' in status.text and 'data-count="created">2<' in status.text

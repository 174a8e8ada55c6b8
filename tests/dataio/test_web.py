"""The import screens end to end (upload → mapping → dry run → import → progress → rejects) and the list's export."""

from __future__ import annotations

import re

from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD, USER_PASSWORD, serving
from tests.dataio.conftest import client_rows

CSV = "ref;Наименование;Эл. почта\nW1;Альфа;a@example.com\nW2;Бета;not-an-email\nW3;Гамма;g@example.com\n".encode("cp1251")


async def work(app) -> None:
    from core.jobs.api import run_worker

    await run_worker(app.state.kernel.settings, once=True, kernel=app.state.kernel, poll=0.05, signals=False)


async def test_upload_map_dry_run_import_and_download_rejects(app_factory, kernel):
    app = app_factory(jobs_in_process=False)
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as client:
        page = await client.get("/contacts/client/")
        assert 'href="/import/contacts/client/"' in page.text and 'action="/export/contacts/client' in page.text
        form = await client.get("/import/contacts/client/")
        assert form.status_code == 200
        sent = await client.post("/import/contacts/client/", files={"file": ("clients.csv", CSV, "text/csv")})
        assert sent.status_code == 303
        run_url = sent.headers["location"]
        mapping = await client.get(run_url)
        assert mapping.status_code == 200 and "cp1251" in mapping.text
        selected = dict(re.findall(r'name="(col_\d)">.*?<option value="([^"]*)"[^>]*selected', mapping.text, re.S))
        assert selected == {"col_0": "@key", "col_1": "name", "col_2": "email"}
        choice = {"col_0": "@key", "col_1": "name", "col_2": "email", "key": "@key"}
        dry = await client.post(run_url, data={**choice, "action": "dry"})
        assert dry.status_code == 303 and dry.headers["location"] != run_url
        # A message says what started, on the run page the form leads to.
        assert "Dry run started: clients.csv" in (await client.get(dry.headers["location"])).text
        await work(app)
        status = await client.get(dry.headers["location"] + "/status")
        assert 'data-status="done"' in status.text and 'data-count="created">2<' in status.text
        assert await client_rows() == []  # the dry run created nothing
        real = await client.post(run_url, data={**choice, "action": "run", "template_name": "Из 1С"})
        assert real.headers["location"] == run_url
        assert "Import started: clients.csv" in (await client.get(run_url)).text
        await work(app)
        status = await client.get(run_url + "/status")
        assert 'data-count="created">2<' in status.text and 'data-count="rejected">1<' in status.text
        rejects = await client.get(run_url + "/rejected.csv")
        assert rejects.status_code == 200
        lines = rejects.content.decode("utf-8-sig").splitlines()
        # In the page's language, with the file's own titles and the field's label, not its name.
        assert lines[0] == "Line,Field,Reason,ref,Наименование,Эл. почта" and lines[1].startswith("3,Email,")
        again = await client.post("/import/contacts/client/", files={"file": ("clients.csv", CSV, "text/csv")})
        assert "Из 1С" in (await client.get(again.headers["location"])).text  # the saved template is offered


async def test_uploads_are_checked_before_parsing(app_factory, kernel):
    app = app_factory(jobs_in_process=False)
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as client:
        wrong = await client.post("/import/contacts/client/", files={"file": ("a.exe", b"MZ\x90\x00", "application/octet-stream")})
        assert wrong.status_code in (415, 422) and "csv" in wrong.text.lower()
        fake = await client.post("/import/contacts/client/", files={"file": ("a.xlsx", b"not a zip at all", "application/octet-stream")})
        assert fake.status_code in (400, 415, 422)
        import random

        noise = await client.post("/import/contacts/client/", files={"file": ("a.csv", random.Random(1).randbytes(2000), "text/csv")})
        assert noise.status_code == 415 and "not CSV text" in noise.text  # refused before parsing, with the reason


async def test_runs_and_exports_are_their_owners_alone(app_factory, kernel, make_user):
    app = app_factory(jobs_in_process=False)
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as admin:
        sent = await admin.post("/import/contacts/client/", files={"file": ("clients.csv", CSV, "text/csv")})
        run_url = sent.headers["location"]
        exported = await admin.post("/export/contacts/client?format=csv&sort=name")
        assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    user = await make_user(roles=["sales_manager"])
    async with serving(app, login=(user.email, USER_PASSWORD)) as other:
        assert (await other.get(run_url)).status_code == 404
        assert (await other.get(run_url + "/rejected.csv")).status_code == 404
    reader = await make_user(roles=["read_only"])
    async with serving(app, login=(reader.email, USER_PASSWORD)) as ro:
        assert (await ro.get("/export/contacts/client?format=csv")).status_code in (403, 404)
        assert (await ro.post("/export/contacts/client?format=csv")).status_code in (403, 404)
        assert (await ro.get("/import/contacts/client/")).status_code in (403, 404)
        page = await ro.get("/contacts/client/")
        assert "/export/contacts/client?" not in page.text and "/import/contacts/client/" not in page.text


async def test_an_inline_export_is_a_security_event(app_factory, kernel):
    from core.auth.tables import SecurityEvent

    before = await SecurityEvent.count().where(SecurityEvent.kind == "export")
    app = app_factory(jobs_in_process=False)
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as client:
        response = await client.post("/export/contacts/client?name__startswith=A", data={"format": "xlsx"})
        assert response.status_code == 200 and response.content[:2] == b"PK"
    assert await SecurityEvent.count().where(SecurityEvent.kind == "export") == before + 1


async def test_a_link_to_an_export_starts_nothing_only_the_posted_form_does(app_factory, kernel, monkeypatch):
    """Issue 14, item 7: with SameSite=Lax a foreign site can make a victim's browser GET
    any URL; GET shows the form, only a POST with the session's CSRF token exports."""
    import core.dataio.web as web
    from core.auth.tables import SecurityEvent
    from core.jobs.tables import Job

    monkeypatch.setattr(web, "INLINE_ROWS", 0)  # every export would be a background job
    app = app_factory(jobs_in_process=False)
    jobs, events = await Job.count(), await SecurityEvent.count().where(SecurityEvent.kind == "export")
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as client:
        await client.post("/api/contacts/client", json={"name": "Экспорт по ссылке"})
        shown = await client.get("/export/contacts/client?format=xlsx&q=ссылке")
        assert shown.status_code == 200 and 'method="post"' in shown.text and 'name="_csrf"' in shown.text
        assert 'action="/export/contacts/client?format=xlsx&amp;q=' in shown.text
        assert (await Job.count(), await SecurityEvent.count().where(SecurityEvent.kind == "export")) == (jobs, events)
        token = client.headers.pop("X-CSRF-Token")
        forged = await client.post("/export/contacts/client?q=ссылке", data={"format": "csv"})
        assert forged.status_code == 403 and await Job.count() == jobs
        started = await client.post("/export/contacts/client?q=ссылке", data={"format": "csv", "_csrf": token})
        assert started.status_code == 303 and started.headers["location"].startswith("/export/jobs/")
    assert await Job.count() == jobs + 1


async def test_the_export_job_page_follows_the_job_until_it_is_done(app_factory, kernel, monkeypatch):
    """Issue 15, "Other": the page of a background export refreshes itself while the job runs
    (htmx polling its status block), stops when it is done, and the list offers one export."""
    import core.dataio.web as web

    monkeypatch.setattr(web, "INLINE_ROWS", 0)
    app = app_factory(jobs_in_process=False)
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as client:
        await client.post("/api/contacts/client", json={"name": "Фоновый экспорт"})
        listed = await client.get("/contacts/client/")
        assert listed.text.count('action="/export/contacts/client') == 1  # one pair of buttons (CSV, XLSX)
        started = await client.post("/export/contacts/client?q=Фоновый", data={"format": "csv"})
        job_url = started.headers["location"]
        waiting = await client.get(job_url)
        assert f'hx-get="{job_url}/status"' in waiting.text and 'hx-trigger="every 2s"' in waiting.text
        await work(app)
        done = await client.get(job_url + "/status")
        assert 'data-status="done"' in done.text and "hx-trigger" not in done.text
        assert f'href="{job_url}/download"' in done.text
        download = await client.get(job_url + "/download")
        assert "Фоновый экспорт" in download.content.decode("utf-8-sig")

"""Templates: uploaded by administrators through core.uploads (limits, kinds, bombs), replaced with a version, deleted."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from core.documents.tables import DocumentTemplate
from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD, serving
from tests.documents.builders import docx_template, docx_text, odt_template
from tests.documents.test_generate import upload

pytestmark = pytest.mark.usefixtures("cleanup_templates")


def files_under(settings) -> set[Path]:
    root = Path(settings.data_dir) / "uploads" / "documents"
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


async def test_oversize_template_is_refused_and_nothing_is_kept(app_factory, settings):
    app = app_factory(document_template_max_mb=1)
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as client:
        before = files_under(settings)
        big = docx_template("x", "{{ record.name }}" + " " * 10) + b"\0" * (1024 * 1024)
        made = await upload(client, big, "big.docx")
        assert made.status_code == 413, made.text
        assert files_under(settings) == before
        assert await DocumentTemplate.count() == 0


async def test_wrong_type_behind_a_right_extension(client):
    pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
    made = await upload(client, pdf, "invoice.docx")
    assert made.status_code == 415 and "PDF" in made.json()["errors"]["file"]
    xlsx = io.BytesIO()
    from openpyxl import Workbook

    Workbook().save(xlsx)
    made = await upload(client, xlsx.getvalue(), "invoice.odt")
    assert made.status_code == 415
    made = await upload(client, docx_template("x"), "invoice.xlsx")
    assert made.status_code == 415 and "not accepted here" in made.json()["errors"]["file"]
    assert await DocumentTemplate.count() == 0


async def test_zip_bomb_template(client):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"<w:document/>" + b" " * (8 * 1024 * 1024))
    made = await upload(client, buf.getvalue(), "bomb.docx")
    assert made.status_code == 413 and "zip bomb" in made.json()["errors"]["file"]


async def test_unsafe_names_are_cleaned(client, settings):
    made = await upload(client, docx_template("{{ record.name }}"), "../../../etc/Договор.docx")
    assert made.status_code == 201
    row = await DocumentTemplate.select().where(DocumentTemplate.id == made.json()["id"]).first()
    assert row["file_name"] == "Договор.docx"
    path = (Path(settings.data_dir) / row["file_path"]).resolve()
    assert path.is_relative_to((Path(settings.data_dir) / "uploads" / "documents").resolve()) and path.exists()


@pytest.mark.parametrize("template, reason", [
    (docx_template("{{ record.name "), "cannot be filled"),
    (docx_template("{% for x in record %}"), "cannot be filled"),
    (odt_template(["", ("__import__('os').system('touch /tmp/klientela-pwned')",)]), "may not use"),
    (odt_template(["", ("record.__class__.__mro__",)]), "may not use"),
    (odt_template(["", ("(lambda: 1)()",)]), "may not use"),
])
async def test_templates_that_cannot_render_are_refused_at_upload(client, settings, template, reason):
    before = files_under(settings)
    name = "bad.odt" if template[:2] == b"PK" and b"opendocument" in template[:200] else "bad.docx"
    made = await upload(client, template, name)
    assert made.status_code == 422, made.text
    assert reason in made.json()["errors"]["file"]
    assert files_under(settings) == before and await DocumentTemplate.count() == 0
    assert not Path("/tmp/klientela-pwned").exists()


async def test_docx_templates_are_sandboxed(client, client_record):
    made = await upload(client, docx_template("{{ record.__class__.__mro__ }}|{{ ''.__class__ }}"), "a.docx")
    assert made.status_code == 422 or "class" not in " ".join(
        docx_text((await client.get(f"/api/documents/templates/{made.json()['id']}/render/{client_record['id']}")).content))


async def test_bad_metadata(client):
    made = await upload(client, docx_template("x"), "a.docx", entity="nope.nothing", name="", language="de", currency="XYZ")
    assert made.status_code == 422
    assert set(made.json()["errors"]) == {"entity", "name", "language", "currency"}
    missing = await client.post("/api/documents/templates", data={"entity": "contacts.client", "name": "x"})
    assert missing.status_code == 422 and "file" in missing.json()["errors"]


async def test_replace_bumps_the_version_and_removes_the_old_file(client, client_record, settings):
    made = (await upload(client, docx_template("Первая {{ record.inn }}"), "v1.docx")).json()
    first = await DocumentTemplate.select().where(DocumentTemplate.id == made["id"]).first()
    url = f"/api/documents/templates/{made['id']}/file"
    replaced = await client.put(url, data={"version": "1"}, files={"file": ("v2.odt", odt_template(["Вторая ", ("record.inn",)]), "x")})
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["version"] == 2 and replaced.json()["format"] == "odt" and replaced.json()["file_name"] == "v2.odt"
    assert not (Path(settings.data_dir) / first["file_path"]).exists()
    stale = await client.put(url, data={"version": "1"}, files={"file": ("v3.docx", docx_template("x"), "x")})
    assert stale.status_code == 409
    refused = await client.put(url, data={"version": "2"}, files={"file": ("v3.docx", b"%PDF-1.4 not a docx", "x")})
    assert refused.status_code == 415
    assert (await client.get(f"/api/documents/templates/{made['id']}")).json()["version"] == 2
    from tests.documents.builders import odt_text

    got = await client.get(f"/api/documents/templates/{made['id']}/render/{client_record['id']}")
    assert odt_text(got.content) == ["Вторая 7707083893"]
    download = await client.get(url)
    assert download.status_code == 200 and download.content[:2] == b"PK"


async def test_delete(client, settings):
    made = (await upload(client, docx_template("x"), "a.docx")).json()
    row = await DocumentTemplate.select().where(DocumentTemplate.id == made["id"]).first()
    assert (await client.delete(f"/api/documents/templates/{made['id']}")).status_code == 204
    assert (await client.get(f"/api/documents/templates/{made['id']}")).status_code == 404
    assert not (Path(settings.data_dir) / row["file_path"]).exists()


async def test_admin_screen_upload_replace_delete(client, client_record):
    page = await client.get("/admin/documents")
    assert page.status_code == 200 and "Upload a template" in page.text
    token = client.headers["X-CSRF-Token"]
    form = {"_csrf": token, "entity": "contacts.client", "name": "Письмо", "language": "ru", "currency": "RUB"}
    made = await client.post("/admin/documents", data=form, files={"file": ("Письмо.docx", docx_template("{{ record.name }}"), "x")},
                             headers={"X-CSRF-Token": ""})
    assert made.status_code == 303, made.text
    row = await DocumentTemplate.select().where(DocumentTemplate.name == "Письмо").first()
    listing = await client.get("/admin/documents")
    assert "Письмо" in listing.text
    bad = await client.post("/admin/documents", data={**form, "name": "Другое"},
                            files={"file": ("x.docx", b"%PDF-1.4 nope", "x")}, headers={"X-CSRF-Token": ""})
    assert bad.status_code == 415 and "Другое" in bad.text  # the form comes back with the input
    detail = await client.get(f"/admin/documents/{row['id']}")
    assert detail.status_code == 200 and 'name="version" value="1"' in detail.text
    replaced = await client.post(f"/admin/documents/{row['id']}/file", data={"_csrf": token, "version": "1"},
                                 files={"file": ("Письмо2.odt", odt_template([("record.name",)]), "x")}, headers={"X-CSRF-Token": ""})
    assert replaced.status_code == 303
    # The record page offers it, in its own format.
    record = await client.get(f"/contacts/client/{client_record['id']}")
    assert f"/template/{row['id']}" in record.text and "Письмо" in record.text
    deleted = await client.post(f"/admin/documents/{row['id']}/delete", data={"_csrf": token}, headers={"X-CSRF-Token": ""})
    assert deleted.status_code == 303 and await DocumentTemplate.count() == 0

"""S13: uploads refused before any parser runs — oversize, wrong type, zip bombs, unsafe names."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document
from odf.opendocument import OpenDocumentText
from odf.text import P
from openpyxl import Workbook

from core.testing.fixtures import make_settings
from core.uploads import MB, TooLarge, UploadLimits, UploadRefused, WrongType, accept, inspect_file, uploads_root
from core.uploads.limits import body_limit

DOCS = ("docx", "odt")


@pytest.fixture
def settings(tmp_path):
    return make_settings(data_dir=tmp_path)


def stored_files(settings) -> list[Path]:
    root = uploads_root(settings)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def docx_bytes(text: str = "Привет") -> bytes:
    doc = Document()
    doc.add_paragraph(text)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def odt_bytes(text: str = "Привет") -> bytes:
    doc = OpenDocumentText()
    doc.text.addElement(P(text=text))
    buf = io.BytesIO()
    doc.write(buf)
    return buf.getvalue()


def xlsx_bytes() -> bytes:
    wb = Workbook()
    wb.active.append(["Имя", "Телефон"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def zip_bytes(entries: dict[str, bytes], *, docx_like: bool = True) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        if docx_like:
            zf.writestr("[Content_Types].xml", "<Types/>")
            zf.writestr("word/document.xml", "<document/>")
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


# -- accepted -----------------------------------------------------------------------


@pytest.mark.parametrize("name, payload, kind", [
    ("Договор.docx", docx_bytes(), "docx"),
    ("letter.odt", odt_bytes(), "odt"),
    ("clients.xlsx", xlsx_bytes(), "xlsx"),
    ("clients.csv", "Имя;Телефон\nИван;+7 900\n".encode("cp1251"), "csv"),
])
async def test_real_files_are_kept_under_a_generated_name(settings, name, payload, kind):
    stored = await accept([payload], name, allowed=("docx", "odt", "xlsx", "csv"), area="tests", settings=settings)
    assert stored.kind == kind and stored.name == name and stored.size == len(payload)
    assert stored.path.read_bytes() == payload
    assert stored.path.parent.parent == uploads_root(settings) / "tests"
    assert name not in stored.path.name and stored.path.suffix == name[name.rindex("."):]
    assert stored_files(settings) == [stored.path]


async def test_reads_upload_file_objects_in_chunks(settings):
    from litestar.datastructures import UploadFile

    payload = docx_bytes()
    upload = UploadFile(content_type="application/octet-stream", filename="a.docx", file_data=payload)
    stored = await accept(upload, upload.filename, allowed=DOCS, area="tests", settings=settings)
    assert stored.path.read_bytes() == payload


# -- size -------------------------------------------------------------------------------


async def test_oversize_is_refused_while_streaming_and_leaves_nothing(settings):
    sent = []

    def endless():
        while True:
            sent.append(1)
            yield b"a;b\n" * 16384  # 64 KB a chunk, forever

    with pytest.raises(TooLarge) as err:
        await accept(endless(), "big.csv", allowed=("csv",), area="tests", settings=settings,
                     limits=UploadLimits(max_bytes=1 * MB))
    assert err.value.status == 413 and "1 MB" in err.value.message
    assert len(sent) == 17  # 16 chunks fit in 1 MB; the 17th crossed it and the transfer stopped there
    assert stored_files(settings) == []


async def test_settings_set_the_size_limit(tmp_path):
    settings = make_settings(data_dir=tmp_path, upload_max_mb=1)
    with pytest.raises(TooLarge):
        await accept([b"x" * (MB + 1)], "a.csv", allowed=("csv",), area="tests", settings=settings)
    assert UploadLimits.of(settings).max_bytes == MB
    assert body_limit(UploadLimits.of(settings)) > MB
    assert UploadLimits.of(settings).with_max(10 * MB).max_bytes == MB  # a caller may tighten, never widen


async def test_empty_file_is_refused(settings):
    with pytest.raises(UploadRefused, match="empty"):
        await accept([b""], "a.csv", allowed=("csv",), area="tests", settings=settings)


# -- type ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name, payload, found", [
    ("invoice.docx", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "PDF"),
    ("invoice.docx", xlsx_bytes(), "Excel workbook"),
    ("invoice.docx", odt_bytes(), "OpenDocument text"),
    ("invoice.odt", docx_bytes(), "Word document"),
    ("invoice.docx", zip_bytes({"x.txt": b"1"}, docx_like=False), "something else"),
    ("clients.csv", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200, "something else"),
    ("clients.csv", docx_bytes(), "Word document"),
    ("clients.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "PNG image"),
])
async def test_content_must_be_what_the_name_says(settings, name, payload, found):
    with pytest.raises(WrongType) as err:
        await accept([payload], name, allowed=("docx", "odt", "csv"), area="tests", settings=settings)
    assert err.value.status == 415 and found in err.value.message
    assert stored_files(settings) == []


async def test_a_type_not_accepted_here_is_refused_before_any_byte_is_read(settings):
    def never():
        raise AssertionError("the body was read")
        yield b""

    for name in ("setup.exe", "template.xlsx", "no_extension"):
        with pytest.raises(WrongType, match="not accepted here"):
            await accept(never(), name, allowed=DOCS, area="tests", settings=settings)


# -- zip bombs and zip slips ----------------------------------------------------------------------


async def test_zip_bomb_by_ratio(settings):
    bomb = zip_bytes({"word/media/zeros.bin": b"\x00" * (4 * MB)})
    assert len(bomb) < 20_000  # 4 MB of zeros packs ~1000x
    with pytest.raises(TooLarge, match="zip bomb"):
        await accept([bomb], "bomb.docx", allowed=DOCS, area="tests", settings=settings)
    assert stored_files(settings) == []


async def test_zip_bomb_by_total_unpacked_size(settings):
    # Incompressible, so no ratio trips: only the unpacked total does.
    import os

    payload = zip_bytes({f"word/media/{i}.bin": os.urandom(300_000) for i in range(4)})
    with pytest.raises(TooLarge, match="unpack to more than"):
        await accept([payload], "big.docx", allowed=DOCS, area="tests", settings=settings,
                     limits=UploadLimits(unzipped_max_bytes=1 * MB))


async def test_zip_with_too_many_entries(settings):
    payload = zip_bytes({f"word/{i}.xml": b"<x/>" for i in range(50)})
    with pytest.raises(TooLarge, match="entries"):
        await accept([payload], "many.docx", allowed=DOCS, area="tests", settings=settings,
                     limits=UploadLimits(zip_max_entries=20))


async def test_overlapping_entries_bomb(settings):
    """Fifield's non-recursive bomb: many central-directory records share one compressed kernel."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        # Incompressible and small, so neither the ratio nor the total trips: only the overlap does.
        zf.writestr("word/document.xml", __import__("os").urandom(20_000))
        kernel = zf.getinfo("word/document.xml")
        for i in range(30):
            clone = zipfile.ZipInfo(f"word/copy{i}.xml", kernel.date_time)
            for attr in ("compress_type", "CRC", "compress_size", "file_size", "header_offset", "flag_bits"):
                setattr(clone, attr, getattr(kernel, attr))
            zf.filelist.append(clone)
    with pytest.raises(UploadRefused, match="overlap"):
        await accept([buf.getvalue()], "overlap.docx", allowed=DOCS, area="tests", settings=settings)


@pytest.mark.parametrize("entry", ["../../evil.sh", "/etc/cron.d/evil", "word/../../evil", "C:/evil", "word\\..\\evil"])
async def test_unsafe_paths_inside_an_archive(settings, entry):
    with pytest.raises(UploadRefused, match="unsafe path"):
        await accept([zip_bytes({entry: b"x"})], "slip.docx", allowed=DOCS, area="tests", settings=settings)
    assert stored_files(settings) == []


async def test_a_file_that_only_starts_like_a_zip(settings):
    with pytest.raises(UploadRefused, match="not a readable zip"):
        await accept([b"PK\x03\x04" + b"\x00" * 100], "broken.docx", allowed=DOCS, area="tests", settings=settings)


# -- names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, kept", [
    ("../../../etc/passwd.csv", "passwd.csv"),
    ("/etc/cron.d/job.csv", "job.csv"),
    ("C:\\Windows\\System32\\list.csv", "list.csv"),
    ("..\\..\\boot.csv", "boot.csv"),
    ("evil.sh\x00.csv", "evil.sh.csv"),
    ("line\nbreak\r\t.csv", "linebreak.csv"),
    ("Клиенты 2026.csv", "Клиенты 2026.csv"),
])
async def test_names_lose_their_path_and_control_characters(settings, raw, kept):
    stored = await accept([b"a;b\n"], raw, allowed=("csv",), area="tests", settings=settings)
    assert stored.name == kept
    root = uploads_root(settings).resolve()
    assert stored.path.resolve().is_relative_to(root)
    assert "\x00" not in str(stored.path) and ".." not in stored.path.parts


@pytest.mark.parametrize("raw", ["", None, "../", "/", "\x00\x00", "..", "C:"])
async def test_names_with_nothing_left_are_refused(settings, raw):
    with pytest.raises(UploadRefused) as err:
        await accept([b"a;b\n"], raw, allowed=("csv",), area="tests", settings=settings)
    assert err.value.status == 400
    assert stored_files(settings) == []


async def test_the_area_cannot_climb_out(settings):
    with pytest.raises(ValueError):
        await accept([b"a;b\n"], "a.csv", allowed=("csv",), area="../x", settings=settings)


# -- local files (the CLI) -------------------------------------------------------------------------


def test_inspect_file_checks_in_place(tmp_path):
    good = tmp_path / "clients.xlsx"
    good.write_bytes(xlsx_bytes())
    assert inspect_file(good, ("xlsx", "csv"), UploadLimits()).name == "xlsx"
    fake = tmp_path / "clients2.xlsx"
    fake.write_bytes(docx_bytes())
    with pytest.raises(WrongType):
        inspect_file(fake, ("xlsx", "csv"), UploadLimits())
    with pytest.raises(TooLarge):
        inspect_file(good, ("xlsx",), UploadLimits(max_bytes=100))
    assert fake.exists() and good.exists()  # checking never removes the user's own files


# -- a CSV must be text (issue 14, item 9) -------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
async def test_random_bytes_named_csv_are_refused_before_parsing(settings, seed):
    import random

    noise = random.Random(seed).randbytes(3000)
    for payload in (noise, noise.replace(b"\x00", b"")):  # with NUL bytes, and without any
        with pytest.raises(WrongType) as refused:
            await accept([payload], "clients.csv", allowed=("csv",), area="tests", settings=settings)
        assert "text" in refused.value.message
    assert stored_files(settings) == []


@pytest.mark.parametrize("payload", [
    "Имя;Телефон\r\nИван;+7 900\r\n".encode("utf-16"),  # NULs, but a byte-order mark says UTF-16
    "Имя,Заметка\nИван,\tс табуляцией\f\n".encode("utf-8-sig"),
    "Имя;Город\nЁлкин;Казань\n".encode("koi8-r"),
])
async def test_text_in_any_encoding_the_importer_reads_is_accepted(settings, payload):
    stored = await accept([payload], "clients.csv", allowed=("csv",), area="tests", settings=settings)
    assert stored.kind == "csv"

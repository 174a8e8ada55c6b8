"""What a file is, told from its content, never from its name alone.

Each accepted kind names its extensions and how its content proves it:

* zip-based office files by their structure: an OpenDocument file's first
  entry ``mimetype`` holds its media type; an Office Open XML file has
  ``[Content_Types].xml`` and its main part (``word/document.xml``,
  ``xl/workbook.xml``);
* other binary formats by their magic bytes (puremagic, a pure-Python
  signature database);
* text (CSV) by the absence of any binary signature: an executable or a PDF
  renamed ``.csv`` is refused; encodings are the importer's business.

:func:`detect` names the kind the content proves (or ``None``);
:mod:`core.uploads.store` compares it with what the name claims.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import puremagic

SNIFF_BYTES = 8192


@dataclass(frozen=True)
class Kind:
    name: str
    extensions: tuple[str, ...]
    mime: str
    label: str
    family: str  # "ooxml", "odf", "magic" or "text"
    marker: str = ""  # the OOXML main part, the ODF media type


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("docx", (".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "Word document", "ooxml", "word/document.xml"),
    Kind("xlsx", (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "Excel workbook", "ooxml", "xl/workbook.xml"),
    Kind("odt", (".odt",), "application/vnd.oasis.opendocument.text",
         "OpenDocument text", "odf", "application/vnd.oasis.opendocument.text"),
    Kind("ods", (".ods",), "application/vnd.oasis.opendocument.spreadsheet",
         "OpenDocument spreadsheet", "odf", "application/vnd.oasis.opendocument.spreadsheet"),
    Kind("csv", (".csv", ".tsv", ".txt"), "text/csv", "CSV text", "text"),
    Kind("pdf", (".pdf",), "application/pdf", "PDF", "magic"),
    Kind("png", (".png",), "image/png", "PNG image", "magic"),
    Kind("jpeg", (".jpg", ".jpeg"), "image/jpeg", "JPEG image", "magic"),
)}


def kind_for_extension(ext: str, allowed: tuple[str, ...]) -> Kind | None:
    for name in allowed:
        if ext in KINDS[name].extensions:
            return KINDS[name]
    return None


def detect(path: Path) -> str | None:
    """The kind this content is, among :data:`KINDS`; ``None`` when it proves none of them.

    Zip archives must already have passed :func:`core.uploads.zipcheck.check_zip`.
    """
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    matches = _magic(head)
    for kind in KINDS.values():
        if kind.family == "magic" and kind.mime in matches:
            return kind.name
    if not matches or all(m.startswith("text/") for m in matches):
        return "csv"
    return None


def is_zip(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) == b"PK\x03\x04"


def _magic(head: bytes) -> set[str]:
    """Media types of signatures found with some confidence ("" for signatures without one)."""
    if not head:
        return set()
    try:
        found = puremagic.magic_string(head)
    except puremagic.PureError:
        return set()
    return {m.mime_type or f"unknown{m.extension}" for m in found if m.confidence >= 0.4}


def _zip_kind(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "mimetype" in names:
                mimetype = zf.read("mimetype")[:200].decode("ascii", "replace").strip()
                return next((k.name for k in KINDS.values() if k.family == "odf" and k.marker == mimetype), None)
            if "[Content_Types].xml" in names:
                return next((k.name for k in KINDS.values() if k.family == "ooxml" and k.marker in names), None)
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return None

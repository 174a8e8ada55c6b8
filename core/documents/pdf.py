"""PDF from a filled template through LibreOffice, when it is installed.

LibreOffice is optional: :func:`soffice_path` finds it (the
``document_soffice`` setting, else ``soffice``/``libreoffice`` on PATH) and
everything that offers PDF asks :func:`pdf_available` first, so a server
without it still prints DOCX and ODT and the pages say PDF is not available.

Each conversion runs ``soffice --headless --convert-to pdf`` in a temporary
directory with its own user profile: concurrent conversions do not fight
over one profile lock, and nothing is left behind.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

from core.i18n import _
from core.permissions.errors import Invalid

TIMEOUT = 120


class PdfUnavailable(Invalid):
    """No LibreOffice here, or it failed to convert (503: the server lacks a component)."""

    def __init__(self, message: str):
        super().__init__({"format": message})
        self.status = 503


def soffice_path(settings) -> str | None:
    explicit = getattr(settings, "document_soffice", "")
    if explicit:
        return explicit if Path(explicit).is_file() else shutil.which(explicit)
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available(settings) -> bool:
    return soffice_path(settings) is not None


async def to_pdf(settings, data: bytes, suffix: str) -> bytes:
    """Convert a DOCX or ODT document (bytes) to PDF bytes."""
    soffice = soffice_path(settings)
    if soffice is None:
        raise PdfUnavailable(_("PDF is not available: LibreOffice is not installed on the server"))
    with tempfile.TemporaryDirectory(prefix="klientela-pdf-") as tmp:
        work = Path(tmp)
        source = work / f"document.{suffix}"
        source.write_bytes(data)
        proc = await asyncio.create_subprocess_exec(
            soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
            "--convert-to", "pdf", "--outdir", str(work), str(source),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        try:
            _out, err = await asyncio.wait_for(proc.communicate(), TIMEOUT)
        except asyncio.TimeoutError:
            proc.kill()
            await proc.wait()
            raise PdfUnavailable(_("LibreOffice did not finish the PDF in {n} seconds").format(n=TIMEOUT)) from None
        result = work / "document.pdf"
        if proc.returncode != 0 or not result.exists():
            reason = err.decode("utf-8", "replace").strip()[-300:]
            raise PdfUnavailable(_("LibreOffice could not convert the document: {reason}").format(reason=reason or proc.returncode))
        return result.read_bytes()

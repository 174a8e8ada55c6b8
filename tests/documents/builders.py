"""Real template files, built in the test with the libraries that write these formats."""

from __future__ import annotations

import io

from docx import Document
from odf import dc
from odf.opendocument import OpenDocumentText, load
from odf.text import P, Placeholder


def docx_template(*paragraphs: str) -> bytes:
    """A Word file whose paragraphs hold docxtpl (Jinja) tags."""
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def odt_template(*paragraphs: list) -> bytes:
    """An OpenDocument text; each paragraph is a list of plain strings and ``("expr",)`` placeholders,
    the way LibreOffice's Insert > Field > Placeholder writes them (``<expr>``)."""
    doc = OpenDocumentText()
    doc.meta.addElement(dc.Title(text="Шаблон"))  # LibreOffice always writes Dublin Core metadata
    for parts in paragraphs:
        p = P()
        for part in parts:
            if isinstance(part, tuple):
                p.addElement(Placeholder(placeholdertype="text", text=f"<{part[0]}>"))
            else:
                p.addText(part)
        doc.text.addElement(p)
    buf = io.BytesIO()
    doc.write(buf)
    return buf.getvalue()


def docx_text(data: bytes) -> list[str]:
    """What python-docx reads back: paragraph texts."""
    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


def odt_text(data: bytes) -> list[str]:
    """What odfpy reads back: paragraph texts."""
    from odf import teletype

    doc = load(io.BytesIO(data))
    return [teletype.extractText(p) for p in doc.getElementsByType(P)]


def pdf_text(data: bytes) -> str:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)

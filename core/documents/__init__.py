"""Documents from templates, envelopes and labels (docs/documents.md).

What plugins use::

    from core.documents import generate, list_templates, record_context
    file = await generate(kernel, principal, template_id, record_id)        # DOCX / ODT
    file = await generate(kernel, principal, template_id, record_id, "pdf") # via LibreOffice
    pdf = envelopes_pdf(settings, [["ООО «Ромашка»", "123456, Москва, ..."]])
    pdf = labels_pdf(settings, addresses, sheet="3x8")

Everything reads records through the query gate as the given principal.
"""

from core.documents.context import record_context
from core.documents.labels import envelopes_pdf, labels_pdf
from core.documents.pdf import pdf_available, to_pdf
from core.documents.render import render_docx, render_odt
from core.documents.service import GeneratedFile, generate, get_template, list_templates
from core.documents.words import money_words, number_words

__all__ = [
    "GeneratedFile", "envelopes_pdf", "generate", "get_template", "labels_pdf", "list_templates", "money_words",
    "number_words", "pdf_available", "record_context", "render_docx", "render_odt", "to_pdf",
]

"""Filling a template with a context: DOCX with docxtpl, ODT with relatorio.

Both return the finished file's bytes. A template that cannot render (a
syntax error, an expression that fails) raises :class:`TemplateRefused`
with the engine's own message, so an administrator sees what to fix.
"""

from __future__ import annotations

import io
from pathlib import Path

from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment

from core.documents.expressions import TemplateRefused, check_odt
from core.i18n import _

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "pdf": "application/pdf",
}


def render(fmt: str, template: Path, context: dict) -> bytes:
    if fmt == "docx":
        return render_docx(template, context)
    if fmt == "odt":
        return render_odt(template, context)
    raise ValueError(f"unknown template format {fmt!r}")


def render_docx(template: Path, context: dict) -> bytes:
    from docxtpl import DocxTemplate

    env = SandboxedEnvironment()  # templates read data; they never reach Python internals
    env.filters.update(money_words=context["money_words"], number_words=context["number_words"],
                       format_date=context["format_date"], format_money=context["format_money"])
    try:
        doc = DocxTemplate(str(template))
        doc.render(context, jinja_env=env, autoescape=True)  # "&" or "<" in a value stays text
        buf = io.BytesIO()
        doc.save(buf)
    except TemplateError as exc:
        raise TemplateRefused(_("the Word template cannot be filled: {reason}").format(reason=exc)) from None
    except (KeyError, ValueError) as exc:
        raise TemplateRefused(_("the Word template cannot be read: {reason}").format(reason=exc)) from None
    return buf.getvalue()


def render_odt(template: Path, context: dict) -> bytes:
    from genshi.template.base import TemplateError as GenshiError
    from lxml import etree
    from relatorio.templates.opendocument import Template

    check_odt(template)  # before Genshi compiles a single expression
    try:
        with template.open("rb") as fh:
            tmpl = Template(source=fh, filepath=str(template))
        return tmpl.generate(**context).render().getvalue()
    except GenshiError as exc:
        raise TemplateRefused(_("the OpenDocument template cannot be filled: {reason}").format(reason=exc)) from None
    except (AssertionError, KeyError, ValueError, SyntaxError, etree.LxmlError) as exc:
        raise TemplateRefused(_("the OpenDocument template cannot be read: {reason}").format(reason=exc)) from None

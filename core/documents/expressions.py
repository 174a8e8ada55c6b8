"""What an ODT template may say: data, not code.

relatorio renders OpenDocument templates with Genshi, and Genshi evaluates
Python expressions with no sandbox — ``${__import__('os').system(...)}`` in
a placeholder would run on the server. Templates come from administrators
only, and on top of that every expression is checked when the template is
uploaded (and again before each render): names, attribute and item access,
literals, arithmetic, comparisons and calls of fields and helpers; no names
or attributes with underscores, no lambdas, no Genshi ``py:`` markup of its
own. DOCX templates need no such pass: docxtpl runs them in Jinja's
``SandboxedEnvironment``.
"""

from __future__ import annotations

import ast
import re
import zipfile
from pathlib import Path

from lxml import etree

from core.i18n import _
from core.permissions.errors import Invalid

PARTS = ("content.xml", "styles.xml", "meta.xml")
TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
XLINK_NS = "http://www.w3.org/1999/xlink"
GENSHI_NS = "http://genshi.edgewall.org/"
DIRECTIVE = re.compile(r"^\s*(/)?(for|if|choose|when|otherwise|with|attrs|content|replace|strip)\b\s*(?:([\w:-]+)=[\"'](.*)[\"'])?\s*$", re.S)
INTERPOLATION = re.compile(r"(?<!\$)\$(\{.*?\}|[A-Za-z_][\w.]*)", re.S)
FORBIDDEN_NAMES = frozenset({"eval", "exec", "open", "compile", "getattr", "setattr", "delattr", "globals", "locals",
                             "vars", "type", "dir", "input", "breakpoint", "help", "memoryview", "object", "super"})
ALLOWED_NODES = (
    ast.Expression, ast.Name, ast.Load, ast.Store, ast.Attribute, ast.Subscript, ast.Slice, ast.Constant,
    ast.Call, ast.keyword, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Tuple, ast.List,
    ast.Dict, ast.JoinedStr, ast.FormattedValue, ast.operator, ast.unaryop, ast.boolop, ast.cmpop,
)


class TemplateRefused(Invalid):
    def __init__(self, message: str):
        super().__init__({"file": message})


def check_odt(path: Path) -> None:
    """Raise :class:`TemplateRefused` when an ODT template holds anything but safe expressions."""
    with zipfile.ZipFile(path) as zf:
        for part in PARTS:
            if part not in zf.namelist():
                continue
            data = zf.read(part)
            if GENSHI_NS.encode() in data:
                raise TemplateRefused(_("the template uses Genshi markup directly ({part}); use placeholders").format(part=part))
            try:
                tree = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
            except etree.XMLSyntaxError as exc:
                raise TemplateRefused(_("{part} is not well-formed XML: {reason}").format(part=part, reason=exc)) from None
            for expr in statements(tree):
                check_statement(expr)


def statements(tree) -> list[str]:
    """Every expression relatorio and Genshi would evaluate in one XML part."""
    found = []
    for el in tree.iter(f"{{{TEXT_NS}}}placeholder"):
        text = (el.text or "").strip()
        found.append(text[1:-1] if text.startswith("<") and text.endswith(">") else text)
    for el in tree.iter(f"{{{TEXT_NS}}}a"):
        href = el.get(f"{{{XLINK_NS}}}href", "")
        if href.startswith("relatorio://"):
            from urllib.parse import unquote

            found.append(unquote(href[len("relatorio://"):]))
    for el in tree.iter():
        for text in [el.text or "", el.tail or "", *el.attrib.values()]:
            for match in INTERPOLATION.finditer(text):
                inner = match.group(1)
                found.append(inner[1:-1] if inner.startswith("{") else inner)
    return found


def check_statement(statement: str) -> None:
    directive = DIRECTIVE.match(statement)
    if not directive:
        check_expression(statement)
        return
    closing, name, _attr, value = directive.groups()
    if closing or value is None:
        return
    if name == "for":
        target, sep, iterable = value.partition(" in ")
        if not sep:
            raise TemplateRefused(_("'for' needs 'each=\"item in items\"' (got {v!r})").format(v=value))
        check_expression(target, store=True)
        check_expression(iterable)
    elif name == "with":
        for part in filter(None, (p.strip() for p in value.split(";"))):
            target, sep, expr = part.partition("=")
            check_expression(target.strip(), store=True)
            check_expression(expr)
    else:
        check_expression(value)


def check_expression(expr: str, store: bool = False) -> None:
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except SyntaxError:
        raise TemplateRefused(_("the template expression {e!r} is not valid").format(e=expr[:80])) from None
    for node in ast.walk(tree):
        bad = None
        if not isinstance(node, ALLOWED_NODES):
            bad = type(node).__name__
        elif isinstance(node, ast.Name) and (node.id.startswith("_") or node.id in FORBIDDEN_NAMES):
            bad = node.id
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            bad = node.attr
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "__" in node.value:
            bad = node.value
        if bad is not None:
            raise TemplateRefused(_("the template expression {e!r} uses {bad!r}, which templates may not use").format(e=expr[:80], bad=bad))
    if store and not isinstance(tree.body, (ast.Name, ast.Tuple)):
        raise TemplateRefused(_("{e!r} cannot be assigned to").format(e=expr[:80]))

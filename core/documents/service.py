"""The document service plugins use: templates per entity, and documents generated from them.

* ``core.document.write`` manages templates (upload, replace, delete) —
  administrators; ``core.document.read`` uses them. Generating also needs
  read on the record itself: the record and its fields are read through the
  query gate as the requesting user (:mod:`core.documents.context`).
* Template files go through :mod:`core.uploads` (size, kind by content, zip
  bomb checks) and are then filled once with an empty context, so a template
  that cannot render is refused at upload, not at the first print.
* Replacing a template's file bumps its ``version`` (optimistic: the
  replacing administrator sends the version they saw) and removes the old
  file once the new row is committed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from core.documents.context import record_context, sample_context
from core.documents.render import FORMATS, render
from core.documents.tables import DocumentTemplate
from core.documents.words import CURRENCIES, LANGUAGES
from core.i18n import _
from core.permissions.errors import Conflict, Invalid, NotFound
from core.uploads import MB, UploadLimits, accept, clean_name

READ = "core.document.read"
MANAGE = "core.document.write"
TEMPLATE_KINDS = ("docx", "odt")


@dataclass(frozen=True)
class GeneratedFile:
    data: bytes
    filename: str
    mime: str


def template_limits(settings) -> UploadLimits:
    return UploadLimits.of(settings).with_max(settings.document_template_max_mb * MB)


def template_path(settings, row: dict) -> Path:
    return Path(settings.data_dir) / row["file_path"]


def as_json(row: dict) -> dict[str, Any]:
    keys = ("id", "entity", "name", "description", "format", "language", "currency", "file_name", "file_size",
            "version", "created_at", "updated_at")
    return {k: (str(row[k]) if k == "id" else row[k].isoformat() if hasattr(row[k], "isoformat") else row[k]) for k in keys}


def _require(principal, permission: str) -> None:
    if not principal.can(permission):
        raise NotFound("document templates")  # forbidden looks like missing


def _check_meta(kernel, entity: str, name: str, language: str, currency: str) -> dict:
    errors = {}
    if entity not in kernel.entities:
        errors["entity"] = _("no such entity")
    name = (name or "").strip()
    if not name:
        errors["name"] = _("give the template a name")
    elif len(name) > 200:
        errors["name"] = _("at most 200 characters")
    if language not in LANGUAGES:
        errors["language"] = _("one of {values}").format(values=", ".join(LANGUAGES))
    if currency not in CURRENCIES:
        errors["currency"] = _("one of {values}").format(values=", ".join(CURRENCIES))
    if errors:
        raise Invalid(errors)
    return {"entity": entity, "name": name, "language": language, "currency": currency}


async def _receive(kernel, source, filename: str | None, entity_key: str, language: str, currency: str):
    """Stored and proven renderable, or refused with nothing left on disk."""
    settings = kernel.settings
    stored = await accept(source, filename, allowed=TEMPLATE_KINDS, area="documents", settings=settings,
                          limits=template_limits(settings))
    try:
        await asyncio.to_thread(render, stored.kind, stored.path, sample_context(kernel.entities[entity_key], language, currency))
    except BaseException:
        stored.path.unlink(missing_ok=True)
        raise
    return stored


def _relative(settings, path: Path) -> str:
    return str(path.relative_to(Path(settings.data_dir)))


async def add_template(kernel, principal, source, filename: str | None, *, entity: str, name: str,
                       language: str = "ru", currency: str = "RUB", description: str = "") -> dict:
    _require(principal, MANAGE)
    meta = _check_meta(kernel, entity, name, language, currency)
    stored = await _receive(kernel, source, filename, entity, language, currency)
    now = datetime.now(timezone.utc)
    row = DocumentTemplate(**meta, description=(description or "").strip(), format=stored.kind,
                           file_path=_relative(kernel.settings, stored.path), file_name=stored.name,
                           file_size=stored.size, file_sha=stored.sha256, version=1, created_at=now, updated_at=now,
                           created_by=principal.user_id, updated_by=principal.user_id)
    try:
        await row.save()
    except BaseException:
        stored.path.unlink(missing_ok=True)
        raise
    return await get_template(kernel, principal, row.id, permission=MANAGE)


async def replace_file(kernel, principal, template_id, source, filename: str | None, version: int | None) -> dict:
    _require(principal, MANAGE)
    current = await get_template(kernel, principal, template_id, permission=MANAGE)
    if version is None:
        raise Invalid({"version": _("send the version you replaced (optimistic locking)")})
    if current["version"] != version:
        raise Conflict(current, {"version": (version, current["version"])})
    stored = await _receive(kernel, source, filename, current["entity"], current["language"], current["currency"])
    values = {DocumentTemplate.format: stored.kind, DocumentTemplate.file_path: _relative(kernel.settings, stored.path),
              DocumentTemplate.file_name: stored.name, DocumentTemplate.file_size: stored.size,
              DocumentTemplate.file_sha: stored.sha256, DocumentTemplate.version: version + 1,
              DocumentTemplate.updated_at: datetime.now(timezone.utc), DocumentTemplate.updated_by: principal.user_id}
    done = await DocumentTemplate.update(values).where(
        (DocumentTemplate.id == current["id"]) & (DocumentTemplate.version == version)).returning(DocumentTemplate.id)
    if not done:
        stored.path.unlink(missing_ok=True)
        latest = await get_template(kernel, principal, template_id, permission=MANAGE)
        raise Conflict(latest, {"version": (version, latest["version"])})
    template_path(kernel.settings, current).unlink(missing_ok=True)
    return await get_template(kernel, principal, template_id, permission=MANAGE)


async def delete_template(kernel, principal, template_id) -> None:
    _require(principal, MANAGE)
    current = await get_template(kernel, principal, template_id, permission=MANAGE)
    await DocumentTemplate.delete().where(DocumentTemplate.id == current["id"])
    template_path(kernel.settings, current).unlink(missing_ok=True)


async def get_template(kernel, principal, template_id, permission: str = READ) -> dict:
    _require(principal, permission)
    from core.entities.ids import as_uuid

    tid = as_uuid(template_id)
    row = await DocumentTemplate.select().where(DocumentTemplate.id == tid).first() if tid else None
    if row is None or row["entity"] not in kernel.entities:
        raise NotFound(str(template_id))
    if permission == READ and not principal.can(kernel.entities[row["entity"]].permission("read")):
        raise NotFound(str(template_id))
    return row


async def list_templates(kernel, principal, entity: str | None = None, permission: str = READ) -> list[dict]:
    """Templates the principal may use (READ) or manage (MANAGE), by entity and name.
    Users see only templates of entities they may read; entities switched off are left out."""
    _require(principal, permission)
    query = DocumentTemplate.select().order_by(DocumentTemplate.entity).order_by(DocumentTemplate.name)
    if entity is not None:
        query = query.where(DocumentTemplate.entity == entity)
    rows = [r for r in await query if r["entity"] in kernel.entities]
    if permission == READ:
        rows = [r for r in rows if principal.can(kernel.entities[r["entity"]].permission("read"))]
    return rows


async def generate(kernel, principal, template_id, record_id, fmt: str | None = None) -> GeneratedFile:
    """Fill a template with one record, as ``principal``; ``fmt`` "pdf" converts through LibreOffice."""
    template = await get_template(kernel, principal, template_id)
    fmt = fmt or template["format"]
    if fmt not in (template["format"], "pdf"):
        raise Invalid({"format": _("this template makes {own} or PDF").format(own=template["format"].upper())})
    from core.permissions.gate import Gate

    gate = await Gate.open(kernel, template["entity"], principal)
    row = await gate.get(record_id)  # NotFound when the user may not read it
    from core.documents.context import context_for

    context = await context_for(gate, row, lang=template["language"], currency=template["currency"])
    data = await asyncio.to_thread(render, template["format"], template_path(kernel.settings, template), context)
    if fmt == "pdf":
        from core.documents.pdf import to_pdf

        data = await to_pdf(kernel.settings, data, template["format"])
    title = row.get(gate.entity.title_field) if gate.readable(gate.entity.title_field) else None
    base = f"{template['name']} - {title}" if title else template["name"]
    try:
        filename = clean_name(f"{base[:150]}.{fmt}")
    except Invalid:
        filename = f"document.{fmt}"
    return GeneratedFile(data=data, filename=filename, mime=FORMATS[fmt])


__all__ = ["GeneratedFile", "MANAGE", "READ", "add_template", "delete_template", "generate", "get_template",
           "list_templates", "record_context", "replace_file"]

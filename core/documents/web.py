"""Document pages: the administrators' template screen and the users' print pages.

* ``/admin/documents`` — templates per entity: upload, replace (versioned),
  delete, download (``core.document.write``).
* ``/documents/`` — the entities one may print from; ``/documents/<plugin>/<name>``
  — address labels for that list (its search and filters, as on the list page);
  ``/documents/<plugin>/<name>/<record id>`` — the record's templates and its
  envelope (``core.document.read`` and read on the record).

Every upload goes through :mod:`core.uploads`; the server stops reading a
body past the template size cap (``request_max_body_size``). A refused
upload shows the form again with the administrator's input and the reason.
"""

from __future__ import annotations

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from core.auth.admin.common import NOTICES, sections
from core.documents import service
from core.documents.addresses import address_fields, list_addresses, record_address
from core.documents.labels import ENVELOPES, SHEET_KEYS, envelopes_pdf, labels_pdf
from core.documents.pdf import pdf_available
from core.documents.words import CURRENCIES, LANGUAGES
from core.i18n import _
from core.permissions.errors import Conflict, Invalid, NotFound, Refused
from core.permissions.gate import Gate
from core.permissions.request import principal_of
from core.uploads.limits import body_limit

FEATURE = "core.documents"
MANAGE = {"permission": service.MANAGE, "feature": FEATURE}
USE = {"permission": service.READ, "feature": FEATURE}
ON_ENTITY = {"entity_action": "read", "feature": FEATURE}
ADMIN = "/admin/documents"
LABEL_PARAMS = ("field", "sheet", "skip", "ids", "cursor", "limit")


def attachment(data: bytes, filename: str, mime: str) -> Response:
    from urllib.parse import quote

    # RFC 6266: an ASCII fallback and the UTF-8 name (Cyrillic names survive).
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    return Response(content=data, media_type=mime, headers={"content-disposition": disposition,
                                                            "x-content-type-options": "nosniff"})


def _lang(request) -> str:
    return getattr(principal_of(request), "language", "en")


def _admin(request, name: str, context: dict, status: int = 200) -> Template:
    kernel = request.app.state.kernel
    code = request.query_params.get("done", "")
    return Template(template_name=f"core/documents/{name}.html", status_code=status, context={
        "sections": [*sections(request), {"url": ADMIN, "label": "Document templates", "current": True}],
        "notice": _(NOTICES[code]) if code in NOTICES else "",
        "entities": sorted(kernel.entities.values(), key=lambda e: e.key), "template_languages": LANGUAGES,
        "currencies": CURRENCIES, "lang": _lang(request), "pdf": pdf_available(kernel.settings),
        "max_mb": kernel.settings.document_template_max_mb, **context})


async def _form_file(request):
    form = await request.form()
    upload = form.get("file")
    return form, (upload if hasattr(upload, "read") else None)


def routes(settings) -> list:
    """The handlers, with this instance's template size cap as the body limit."""
    limit = body_limit(service.template_limits(settings))

    @get(ADMIN, name="core:documents-admin", opt=MANAGE, include_in_schema=False)
    async def admin_index(request: Request) -> Template:
        kernel = request.app.state.kernel
        rows = await service.list_templates(kernel, principal_of(request), permission=service.MANAGE)
        return _admin(request, "admin", {"templates": rows, "values": {"language": "ru", "currency": "RUB"}, "errors": {}})

    @post(ADMIN, name="core:documents-upload", opt=MANAGE, include_in_schema=False, request_max_body_size=limit)
    async def admin_upload(request: Request) -> Template | Redirect:
        kernel = request.app.state.kernel
        form, upload = await _form_file(request)
        values = {k: (form.get(k) or "").strip() for k in ("entity", "name", "language", "currency", "description")}
        try:
            if upload is None:
                raise Invalid({"file": _("choose a DOCX or ODT file")})
            await service.add_template(kernel, principal_of(request), upload, upload.filename, **values)
        except Invalid as exc:
            rows = await service.list_templates(kernel, principal_of(request), permission=service.MANAGE)
            return _admin(request, "admin", {"templates": rows, "values": values, "errors": exc.errors},
                          getattr(exc, "status", 422))
        return Redirect(f"{ADMIN}?done=created", status_code=303)

    @get(f"{ADMIN}/{{template_id:str}}", name="core:documents-template", opt=MANAGE, include_in_schema=False)
    async def admin_template(request: Request, template_id: FromPath[str]) -> Template:
        row = await service.get_template(request.app.state.kernel, principal_of(request), template_id, permission=service.MANAGE)
        return _admin(request, "template", {"template": row, "errors": {}})

    @post(f"{ADMIN}/{{template_id:str}}/file", name="core:documents-replace", opt=MANAGE, include_in_schema=False,
          request_max_body_size=limit)
    async def admin_replace(request: Request, template_id: FromPath[str]) -> Template | Redirect:
        kernel = request.app.state.kernel
        form, upload = await _form_file(request)
        version = form.get("version")
        try:
            if upload is None:
                raise Invalid({"file": _("choose a DOCX or ODT file")})
            await service.replace_file(kernel, principal_of(request), template_id, upload, upload.filename,
                                       int(version) if str(version or "").isdigit() else None)
        except (Invalid, Conflict) as exc:
            row = await service.get_template(kernel, principal_of(request), template_id, permission=service.MANAGE)
            errors = exc.errors if isinstance(exc, Invalid) else {"version": _("someone replaced this template meanwhile; look at it again")}
            return _admin(request, "template", {"template": row, "errors": errors}, exc.status)
        return Redirect(f"{ADMIN}/{template_id}?done=saved", status_code=303)

    @post(f"{ADMIN}/{{template_id:str}}/delete", name="core:documents-delete", opt=MANAGE, include_in_schema=False)
    async def admin_delete(request: Request, template_id: FromPath[str]) -> Redirect:
        await service.delete_template(request.app.state.kernel, principal_of(request), template_id)
        return Redirect(f"{ADMIN}?done=deleted", status_code=303)

    @get(f"{ADMIN}/{{template_id:str}}/download", name="core:documents-download", opt=MANAGE, include_in_schema=False)
    async def admin_download(request: Request, template_id: FromPath[str]) -> Response:
        kernel = request.app.state.kernel
        row = await service.get_template(kernel, principal_of(request), template_id, permission=service.MANAGE)
        data = service.template_path(kernel.settings, row).read_bytes()
        return attachment(data, row["file_name"], service.FORMATS[row["format"]])

    # -- printing ------------------------------------------------------------------

    @get("/documents/", name="core:documents", opt=USE, include_in_schema=False)
    async def index(request: Request) -> Template:
        kernel = request.app.state.kernel
        principal = principal_of(request)
        rows = await service.list_templates(kernel, principal)
        entities = [e for e in sorted(kernel.entities.values(), key=lambda e: e.key) if principal.can(e.permission("read"))]
        counts = {e.key: sum(1 for r in rows if r["entity"] == e.key) for e in entities}
        return Template(template_name="core/documents/index.html",
                        context={"entities": entities, "counts": counts, "lang": _lang(request)})

    async def _gate(request, plugin: str, name: str) -> Gate:
        principal = principal_of(request)
        if not principal.can(service.READ):
            raise NotFound("documents")
        return await Gate.open(request.app.state.kernel, f"{plugin}.{name}", principal)

    @get("/documents/{plugin:str}/{name:str}", name="core:documents-entity", opt=ON_ENTITY, include_in_schema=False)
    async def entity_page(request: Request, plugin: FromPath[str], name: FromPath[str]) -> Template:
        gate = await _gate(request, plugin, name)
        query = {k: v for k, v in request.query_params.items() if k not in LABEL_PARAMS}
        return Template(template_name="core/documents/entity.html", context={
            "entity": gate.entity, "lang": _lang(request), "query": query, "sheets": SHEET_KEYS,
            "fields": address_fields(gate) or [f for f in gate.readable_fields if f.type in ("text", "long_text")]})

    @get("/documents/{plugin:str}/{name:str}/labels", name="core:documents-labels", opt=ON_ENTITY, include_in_schema=False)
    async def labels(request: Request, plugin: FromPath[str], name: FromPath[str]) -> Response:
        from core.entities.query_params import list_request

        from litestar.datastructures import MultiDict

        gate = await _gate(request, plugin, name)
        params = request.query_params
        # The list's own state (search, filters, sort) selects the records; the
        # label options and the list's paging are no filters.
        req = list_request(MultiDict([(k, v) for k, v in params.multi_items() if k not in LABEL_PARAMS]))
        addresses = await list_addresses(gate, req, params.get("field"), params.getall("ids", []))
        skip = int(params.get("skip")) if str(params.get("skip") or "").isdigit() else 0
        sheet = params.get("sheet") or "3x8"
        if sheet not in SHEET_KEYS and sheet not in SHEET_KEYS.values():
            # A clear 400 naming the sheets there are, not a KeyError's 500.
            raise Refused({"sheet": _("Unknown label sheet; choose one of {values}.").format(values=", ".join(SHEET_KEYS))})
        data = labels_pdf(request.app.state.kernel.settings, addresses, sheet, skip)
        return attachment(data, f"{gate.entity.key}-labels.pdf", "application/pdf")

    @get("/documents/{plugin:str}/{name:str}/{record_id:str}", name="core:documents-record", opt=ON_ENTITY, include_in_schema=False)
    async def record_page(request: Request, plugin: FromPath[str], name: FromPath[str], record_id: FromPath[str]) -> Template:
        gate = await _gate(request, plugin, name)
        row = await gate.get(record_id)
        kernel = request.app.state.kernel
        templates = await service.list_templates(kernel, principal_of(request), gate.entity.key)
        return Template(template_name="core/documents/record.html", context={
            "entity": gate.entity, "record": row, "title": row.get(gate.entity.title_field) if gate.readable(gate.entity.title_field) else "",
            "templates": templates, "pdf": pdf_available(kernel.settings), "lang": _lang(request),
            "fields": address_fields(gate) or [f for f in gate.readable_fields if f.type in ("text", "long_text")],
            "envelopes": list(ENVELOPES)})

    @get("/documents/{plugin:str}/{name:str}/{record_id:str}/envelope", name="core:documents-envelope", opt=ON_ENTITY,
         include_in_schema=False)
    async def envelope(request: Request, plugin: FromPath[str], name: FromPath[str], record_id: FromPath[str]) -> Response:
        gate = await _gate(request, plugin, name)
        params = request.query_params
        lines = await record_address(gate, record_id, params.get("field"))
        sender = [line for line in (params.get("sender") or "").splitlines() if line.strip()]
        size = params.get("size") or "DL"
        if size not in ENVELOPES:
            raise Invalid({"size": _("one of {values}").format(values=", ".join(ENVELOPES))})
        data = envelopes_pdf(request.app.state.kernel.settings, [lines], sender or None, size)
        return attachment(data, "envelope.pdf", "application/pdf")

    @get("/documents/{plugin:str}/{name:str}/{record_id:str}/template/{template_id:str}", name="core:documents-generate",
         opt=ON_ENTITY, include_in_schema=False)
    async def generate(request: Request, plugin: FromPath[str], name: FromPath[str], record_id: FromPath[str],
                       template_id: FromPath[str]) -> Response:
        kernel = request.app.state.kernel
        template = await service.get_template(kernel, principal_of(request), template_id)
        if template["entity"] != f"{plugin}.{name}":
            raise NotFound(template_id)
        file = await service.generate(kernel, principal_of(request), template_id, record_id, request.query_params.get("format") or None)
        return attachment(file.data, file.filename, file.mime)

    return [admin_index, admin_upload, admin_template, admin_replace, admin_delete, admin_download,
            index, entity_page, labels, record_page, envelope, generate]



"""REST API for document templates and generation: ``/api/documents/...``.

* ``GET /api/documents/templates[?entity=plugin.name]`` — templates one may use;
* ``POST /api/documents/templates`` — multipart ``file`` plus ``entity``,
  ``name``, ``language`` (ru/en), ``currency`` (RUB/USD/EUR), ``description``;
* ``GET /api/documents/templates/{id}``; ``DELETE`` removes it;
* ``GET .../{id}/file`` downloads the template; ``PUT .../{id}/file``
  (multipart ``file`` and ``version``) replaces it, 409 on a stale version;
* ``GET .../{id}/render/{record_id}[?format=pdf]`` — the filled document;
* ``GET /api/documents/pdf`` — ``{"available": true|false}`` (LibreOffice).

Managing needs ``core.document.write``, using ``core.document.read`` and
read on the record. Refusals: 400/422 per input, 404 missing or forbidden,
409 stale version, 413 too large, 415 wrong type, 503 PDF unavailable.
"""

from __future__ import annotations

from litestar import Controller, Request, delete, get, post, put
from litestar.params import FromPath
from litestar.response import Response

from core.documents import service
from core.documents.pdf import pdf_available
from core.documents.web import MANAGE, USE, attachment
from core.i18n import _
from core.permissions.errors import Invalid
from core.permissions.request import principal_of
from core.web.api_errors import api_errors
from core.uploads.limits import body_limit


async def _upload(request: Request):
    form = await request.form()
    upload = form.get("file")
    if not hasattr(upload, "read"):
        raise Invalid({"file": _("send the template as the multipart field 'file'")})
    return form, upload


def api(settings) -> type[Controller]:
    limit = body_limit(service.template_limits(settings))

    class DocumentsAPI(Controller):
        path = "/api/documents"
        tags = ["core.documents"]

        @get("/templates", opt=USE, summary="List document templates", responses=api_errors(400, 404))
        async def list_templates(self, request: Request) -> Response:
            entity = request.query_params.get("entity") or None
            rows = await service.list_templates(request.app.state.kernel, principal_of(request), entity)
            return Response({"items": [service.as_json(r) for r in rows]})

        @post("/templates", opt=MANAGE, status_code=201, request_max_body_size=limit, summary="Upload a document template",
              responses=api_errors(400, 404, 413, 415, 422))
        async def upload(self, request: Request) -> Response:
            form, upload = await _upload(request)
            meta = {k: (form.get(k) or "").strip() for k in ("entity", "name", "language", "currency", "description")}
            meta["language"] = meta["language"] or "ru"
            meta["currency"] = meta["currency"] or "RUB"
            row = await service.add_template(request.app.state.kernel, principal_of(request), upload, upload.filename, **meta)
            return Response(service.as_json(row), status_code=201)

        @get("/templates/{template_id:str}", opt=USE, summary="One document template", responses=api_errors(404))
        async def show(self, request: Request, template_id: FromPath[str]) -> Response:
            row = await service.get_template(request.app.state.kernel, principal_of(request), template_id)
            return Response(service.as_json(row))

        @delete("/templates/{template_id:str}", opt=MANAGE, status_code=204, summary="Delete a document template",
                responses=api_errors(404))
        async def remove(self, request: Request, template_id: FromPath[str]) -> None:
            await service.delete_template(request.app.state.kernel, principal_of(request), template_id)

        @get("/templates/{template_id:str}/file", opt=MANAGE, summary="Download a template's file", responses=api_errors(404))
        async def download(self, request: Request, template_id: FromPath[str]) -> Response:
            kernel = request.app.state.kernel
            row = await service.get_template(kernel, principal_of(request), template_id, permission=service.MANAGE)
            return attachment(service.template_path(kernel.settings, row).read_bytes(), row["file_name"], service.FORMATS[row["format"]])

        @put("/templates/{template_id:str}/file", opt=MANAGE, request_max_body_size=limit, summary="Replace a template's file",
             responses=api_errors(400, 404, 409, 413, 415, 422))
        async def replace(self, request: Request, template_id: FromPath[str]) -> Response:
            form, upload = await _upload(request)
            version = str(form.get("version") or "")
            row = await service.replace_file(request.app.state.kernel, principal_of(request), template_id, upload,
                                             upload.filename, int(version) if version.isdigit() else None)
            return Response(service.as_json(row))

        @get("/templates/{template_id:str}/render/{record_id:str}", opt=USE, summary="Fill a template with a record",
             responses=api_errors(400, 404, 422, 503))
        async def render(self, request: Request, template_id: FromPath[str], record_id: FromPath[str]) -> Response:
            file = await service.generate(request.app.state.kernel, principal_of(request), template_id, record_id,
                                          request.query_params.get("format") or None)
            return attachment(file.data, file.filename, file.mime)

        @get("/pdf", opt=USE, summary="Whether PDF conversion (LibreOffice) is available", responses=api_errors(404))
        async def pdf(self, request: Request) -> Response:
            return Response({"available": pdf_available(request.app.state.kernel.settings)})

    return DocumentsAPI

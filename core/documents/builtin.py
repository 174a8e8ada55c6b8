"""Core's document contributions, through the public hooks like a plugin's: the
template screen and print pages, the REST API, the menu entries, and a
"Documents" panel on every record page (``record_panels``).

The permissions (``core.document.read`` to print, ``core.document.write`` to
manage templates) are declared with core's others in ``core.web.builtin``;
everything here exists only while the edition has the ``core.documents``
feature."""

from __future__ import annotations

from core.hooks import hookimpl
from core.hooks.contributions import MenuItem, RecordPanel

FEATURE = "core.documents"


@hookimpl
def register_routes(kernel):
    from core.documents.api import api
    from core.documents.web import routes

    if not kernel.features.enabled(FEATURE):
        return []
    return [api(kernel.settings), *routes(kernel.settings)]


@hookimpl
def menu_items(kernel, request):
    return [
        MenuItem(key="documents", label={"en": "Documents", "ru": "Документы"}, url="/documents/", order=860,
                 permission="core.document.read", feature=FEATURE),
        MenuItem(key="document_templates", label={"en": "Document templates", "ru": "Шаблоны документов"},
                 url="/admin/documents", order=915, permission="core.document.write", feature=FEATURE,
                 parent="admin"),
    ]


@hookimpl
async def record_panels(kernel, entity, record, principal):
    """The record's templates, one link per format, and its envelope; nothing for users who may not print."""
    if not kernel.features.enabled(FEATURE) or not principal.can("core.document.read"):
        return []
    from core.documents.pdf import pdf_available
    from core.documents.service import list_templates

    templates = await list_templates(kernel, principal, entity.key)
    base = f"/documents/{entity.plugin}/{entity.name}/{record['id']}"
    return [RecordPanel(key="documents", title={"en": "Documents", "ru": "Документы"}, order=900,
                        template="core/documents/panel.html",
                        context={"templates": templates, "base": base, "pdf": pdf_available(kernel.settings)})]

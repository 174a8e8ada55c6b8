"""Core's entity contributions through the public hooks: pages, REST API, OpenAPI, saved views."""

from __future__ import annotations

from urllib.parse import urlencode

from markupsafe import Markup, escape

from core.hooks import hookimpl


@hookimpl
def register_routes(kernel):
    from core.entities.api import EntityAPI
    from core.entities.openapi import openapi_json
    from core.entities.pages import entity_pages

    from core.entities.picker_web import ROUTES as PICKER_ROUTES
    from core.saved_views.web import ROUTES as SAVED_VIEW_ROUTES

    return [EntityAPI, openapi_json, *(entity_pages(e) for e in kernel.entities.values()), *SAVED_VIEW_ROUTES, *PICKER_ROUTES]


@hookimpl
def register_permissions(kernel):
    # Saved views of entity lists (core.saved_views), switched on by the edition feature.
    from core.permissions.declare import entity_permissions

    return entity_permissions("core", "saved_view", actions=("read", "write", "share"), feature="core.saved_views")


def query_with(query: dict, **changes) -> str:
    """The current list URL's query string with some parameters changed (None drops one)."""
    merged = {k: v for k, v in query.items() if k not in changes}
    merged.update({k: v for k, v in changes.items() if v is not None})
    return urlencode(merged)


def csrf_field(request) -> Markup:
    token = getattr(request.state, "csrf_token", "") or ""
    return Markup(f'<input type="hidden" name="_csrf" value="{escape(token)}">')


@hookimpl
def register_template_globals(kernel):
    from core.entities.picker_widget import picker_for

    return {"query_with": query_with, "csrf_field": csrf_field, "picker_for": picker_for}

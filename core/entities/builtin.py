"""Core's entity contributions through the public hooks: pages, REST API, OpenAPI."""

from __future__ import annotations

from urllib.parse import urlencode

from markupsafe import Markup, escape

from core.hooks import hookimpl


@hookimpl
def register_routes(kernel):
    from core.entities.api import EntityAPI
    from core.entities.openapi import openapi_json
    from core.entities.pages import entity_pages

    return [EntityAPI, openapi_json, *(entity_pages(e) for e in kernel.entities.values())]


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
    return {"query_with": query_with, "csrf_field": csrf_field}

"""Core's i18n contributions through the public hooks: the language switch
route and the template globals the shell's switch uses."""

from __future__ import annotations

from core.hooks import hookimpl
from core.i18n import LANGUAGES


@hookimpl
def register_routes(kernel):
    from core.i18n.web import ROUTES

    return ROUTES


@hookimpl
def register_template_globals(kernel):
    from core.i18n.terms import term

    return {"languages": LANGUAGES, "term": term}

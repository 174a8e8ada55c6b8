"""Routes of the global search: the page, the shell's as-you-type results, the palette's options."""

from __future__ import annotations

from litestar import Request, get
from litestar.params import FromQuery
from litestar.response import Template

from core.search.palette import matching_actions
from core.search.results import MIN_QUERY, clean_query, search_everything

OPT = {"authenticated": True}


@get("/search", name="core:search", opt=OPT, include_in_schema=False)
async def search_page(request: Request, q: FromQuery[str] = "") -> Template:
    query = clean_query(q)
    return Template(template_name="core/search/page.html",
                    context={"q": query, "groups": await search_everything(request, query), "too_short": 0 < len(query) < MIN_QUERY})


@get("/search/suggest", name="core:search-suggest", opt=OPT, include_in_schema=False)
async def search_suggest(request: Request, q: FromQuery[str] = "") -> Template:
    query = clean_query(q)
    return Template(template_name="core/search/suggest.html", context={"q": query, "groups": await search_everything(request, query)})


@get("/search/palette", name="core:search-palette", opt=OPT, include_in_schema=False)
async def search_palette(request: Request, q: FromQuery[str] = "") -> Template:
    query = clean_query(q)
    return Template(template_name="core/search/palette.html", context={
        "q": query, "actions": matching_actions(request, query), "groups": await search_everything(request, query)})


ROUTES = [search_page, search_suggest, search_palette]

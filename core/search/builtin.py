"""Core's contribution to the global search: every entity's search fields, through the query gate.

Exactly the search of the entity's own list (``Gate.list`` with ``search``),
so record scope, hidden fields (a hidden search field is not searched) and
the trigram index all apply; 5 hits per entity, entities the user may not
read are skipped without a query.
"""

from __future__ import annotations

from urllib.parse import urlencode

from core.hooks import hookimpl
from core.hooks.contributions import SearchGroup, SearchHit
from core.permissions.errors import NotFound, Refused
from core.permissions.gate import Gate
from core.search.ranking import ranked_rows

PER_ENTITY = 5


def _detail(gate: Gate, row: dict) -> str:
    """The first other search field with a value the user may read (an email, a phone...)."""
    for name in gate.entity.search_fields:
        if name != gate.entity.title_field and gate.readable(name) and row.get(name):
            return str(row[name])
    return ""


async def entity_hits(kernel, principal, entity, query: str) -> SearchGroup | None:
    if not principal.can(entity.permission("read")) or not entity.search_fields:
        return None
    try:
        gate = await Gate.open(kernel, entity.key, principal)
        rows = await ranked_rows(gate, query, PER_ENTITY + 1)  # the exact title first, not the newest
    except (NotFound, Refused):
        return None  # no readable search field, or no access after all
    hits = tuple(
        SearchHit(str(r.get(entity.title_field) or r["id"]), f"{entity.url}/{r['id']}", _detail(gate, r))
        for r in rows[:PER_ENTITY]
    )
    more = f"{entity.url}/?{urlencode({'q': query})}" if len(rows) > PER_ENTITY else ""
    return SearchGroup(entity.key, entity.plural, hits, more_url=more, order=50)


@hookimpl
async def search_results(kernel, request, query, principal):
    groups = []
    for entity in kernel.entities.values():
        group = await entity_hits(kernel, principal, entity, query)
        if group is not None:
            groups.append(group)
    return groups


@hookimpl
def register_routes(kernel):
    from core.search.web import ROUTES

    return ROUTES

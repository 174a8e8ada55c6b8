"""The record picker: a reference field filled by typing a name, never an id.

Every reference field — native or custom, in forms, inline edit, quick
create, list filters and bulk edit — is a combobox over
``GET /pick/<plugin>/<entity>?q=`` (:mod:`core.entities.picker_web`). This
module answers that endpoint and resolves typed text to one record for the
form that was posted without JavaScript.

* **Entity targets** are read through the query gate, so a suggestion is
  only ever a record the user may read. Two kinds of query, both served by
  an index at a million rows: titles starting with the typed text (a key
  range on the title's order index, for the case typed and Capitalised) and
  the entity's search (the trigram index over its search fields: name,
  e-mail, phone, tax id...). Exact titles come first, then titles starting
  with the text, then the rest.
* **Users** are not gate entities: active users by name or e-mail. Picking
  the responsible user of an entity (``for=<entity key>``) offers only the
  users the principal may assign (:func:`core.permissions.assignable.assignable_users`).
* **Teams**: by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from core.entities.search_index import MIN_TERM
from core.entities.sql import Filter, next_prefix
from core.i18n import _
from core.permissions.errors import NotFound, Refused

MAX_SUGGESTIONS = 20
MAX_QUERY = 100
USER = "core.user"
TEAM = "core.team"
DIRECTORY = (USER, TEAM)  # reference targets that are core tables, not gate entities
TITLE_TYPES = ("text", "email", "phone", "url")


@dataclass(frozen=True)
class Suggestion:
    id: str
    title: str
    hint: str = ""

    def as_json(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title, "hint": self.hint}


def clean_query(raw: str | None) -> str:
    return " ".join((raw or "").split())[:MAX_QUERY]


def ranked(found: list[Suggestion], query: str, limit: int) -> list[Suggestion]:
    """Exact title, then titles starting with the text, then word prefixes, then the rest (core.search.ranking)."""
    from core.search.ranking import title_rank

    unique = list({s.id: s for s in found}.values())
    return sorted(unique, key=lambda s: title_rank(s.title, query))[:limit]


# -- entities, through the gate ------------------------------------------------------------


def _hint(gate, row: dict) -> str:
    """What tells two records of the same name apart: their first other readable search field."""
    for name in gate.entity.search_fields:
        if name != gate.entity.title_field and gate.readable(name) and row.get(name):
            return str(row[name])
    return ""


async def entity_suggestions(gate, query: str, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    from core.permissions.gate import ListRequest
    from core.search.ranking import title_rank

    title = gate.entity.title_field
    spec = gate.fields.get(title)
    titled = spec is not None and gate.readable(title)

    def suggestion(row: dict) -> Suggestion:
        return Suggestion(str(row["id"]), str(row.get(title) or "") if titled else "", _hint(gate, row))

    if not query:
        return [suggestion(r) for r in (await gate.list(ListRequest(limit=limit))).rows]
    found: list[Suggestion] = []
    if titled and not spec.custom and spec.type in TITLE_TYPES:
        # A key range on the title walks its order index (core.entities.order_index):
        # titles starting with the text are found even where the search's matches
        # run into thousands; then the exact title, however common its words.
        ranges = [[Filter(title, "gte", v), Filter(title, "lt", next_prefix(v))]
                  for v in dict.fromkeys([query, query[:1].upper() + query[1:]])]
        for filters, sort in [*((r, [title]) for r in ranges), ([Filter(title, "eq", query)], [])]:
            try:
                found += [suggestion(r) for r in (await gate.list(ListRequest(filters=filters, sort=sort, limit=limit))).rows]
            except Refused:
                pass  # a text the field could not hold (too long...): the search below still runs
    if len(found) >= limit and all(title_rank(s.title, query)[0] <= 1 for s in found):
        return ranked(found, query, limit)  # titles starting with the text: nothing found elsewhere would rank higher
    candidates = await _candidates(gate, query)
    if candidates is None:
        if found or len(query.replace(" ", "")) < MIN_TERM:
            # One or two letters: the trigram index cannot answer them, and a scan of
            # a million rows is no answer while typing; the titles they start are.
            return ranked(found, query, limit)
        from core.search.ranking import ranked_rows

        candidates_rows = await _safe(ranked_rows(gate, query, limit))
        return ranked(found + [suggestion(r) for r in candidates_rows], query, limit)
    if candidates:
        # The gate reads the candidates (scope, readable fields); each must hold every word
        # of the query in the search fields this user may read — the list search's rule,
        # checked here because the gate's own search would ask the index for every match again.
        from core.search.ranking import search_terms

        terms = search_terms(query)
        readable = [n for n in gate.entity.search_fields if gate.readable(n)]
        rows = await _safe(_rows(gate.list(ListRequest(filters=[Filter("id", "in", candidates)], limit=CANDIDATES))))
        for row in rows:
            text = " ".join(str(row.get(n) or "") for n in readable).casefold()
            if all(t in text for t in terms):
                found.append(suggestion(row))
    return ranked(found, query, limit)


CANDIDATES = 100  # rows the gate reads and checks
INDEX_MATCHES = 2000  # on SQLite: the trigram index's first matches, before the scope narrows them


async def _rows(page_coro) -> list[dict]:
    return (await page_coro).rows


async def _safe(coro) -> list[dict]:
    try:
        return await coro
    except Refused:
        return []  # no search field this user may read: the title matches are all there is


async def _candidates(gate, query: str) -> list[str] | None:
    """Ids of at most ``CANDIDATES`` rows whose search text holds the query's longest word,
    read straight from the trigram index (core.entities.search_index); None when the
    index cannot answer (words under three characters).

    Why not the gate's search alone: a common word ("ltd", an e-mail provider) matches
    hundreds of thousands of rows, and sorting them all — or scanning custom text fields
    beside them — took 0.5–2 s at a million clients. The index hands over its first
    matches and stops; the gate then filters those by scope, readable fields and every
    word, so nothing is shown that the list's own search would not show. A match only
    in a custom text field is not suggested (type the name, e-mail, phone or tax id)."""
    from piccolo.querystring import QueryString

    from core.entities.search_index import index_table, sqlite_match
    from core.entities.sql import escape_like, quote
    from core.search.ranking import search_terms

    terms = [t for t in search_terms(query) if sqlite_match(t)]
    if not terms or not gate.entity.search_fields:
        return None
    term = max(terms, key=len)
    table = quote(gate.table)
    if gate.kind == "sqlite":
        matching = QueryString(f'"rowid" IN (SELECT "rowid" FROM {quote(index_table(gate.table))} '
                               f'WHERE "search_text" LIKE {{}} LIMIT {INDEX_MATCHES})', f"%{term}%")
    else:
        matching = QueryString("\"search_text\" LIKE {} ESCAPE '\\'", f"%{escape_like(term)}%")
    # Only ids, within the user's scope and live: the rows themselves are read by the gate.
    where = gate.scope_where("read", extra=[matching])
    if where is None:
        return []
    sql = QueryString(f"SELECT \"id\" FROM {table} WHERE {{}} LIMIT {CANDIDATES}", where)
    try:
        rows = await gate.engine.run_querystring(sql)
    except Exception:  # noqa: BLE001 - an instance whose index is not built yet: the gate's search still answers
        return None
    return [str(r["id"]) for r in rows]


# -- users and teams ------------------------------------------------------------------------


async def user_suggestions(principal, query: str, limit: int = MAX_SUGGESTIONS, entity_key: str | None = None,
                           creating: bool = False) -> list[Suggestion]:
    """Active users by name or e-mail. For the responsible user of ``entity_key``, only those
    the principal may assign (core.permissions.assignable: the gate's own rule, so the
    picker never offers a choice the save would refuse; ``creating``: a record not stored yet)."""
    from core.auth.tables import User
    from core.permissions.assignable import MAX_USERS, assignable_users

    if entity_key is not None:
        users = await assignable_users(principal, entity_key, query, MAX_USERS, creating=creating)
        found = [Suggestion(str(u["id"]), u["name"], u["email"] if u["name"] != u["email"] else "") for u in users]
        return ranked(found, query, limit)
    # Anyone active (a filter, a custom field naming a person). A company has hundreds of
    # users, not millions: matched in Python, folding Cyrillic case the same on both engines.
    q = query.casefold()
    rows = await User.select(User.id, User.name, User.email).where(User.is_active == True)  # noqa: E712
    found = [Suggestion(str(r["id"]), r["name"] or r["email"], r["email"] if r["name"] else "")
             for r in rows if not q or q in (r["name"] or "").casefold() or q in r["email"].casefold()]
    return ranked(found, query, limit)


async def team_suggestions(query: str, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    from core.auth.tables import Team

    q = query.casefold()
    rows = await Team.select(Team.id, Team.name)
    return ranked([Suggestion(str(r["id"]), r["name"]) for r in rows if q in r["name"].casefold()], query, limit)


async def suggestions(kernel, principal, target: str, query: str, limit: int = MAX_SUGGESTIONS,
                      for_entity: str | None = None, creating: bool = False) -> list[Suggestion]:
    """At most ``limit`` (≤ 20) suggestions for ``target`` ("contacts.client", "core.user"...)."""
    from core.permissions.gate import Gate

    query, limit = clean_query(query), max(1, min(int(limit), MAX_SUGGESTIONS))
    if target == USER:
        if for_entity is not None and for_entity not in kernel.entities:
            raise NotFound(for_entity)
        return await user_suggestions(principal, query, limit, for_entity, creating)
    if target == TEAM:
        return await team_suggestions(query, limit)
    return await entity_suggestions(await Gate.open(kernel, target, principal), query, limit)


# -- typed text to one record (the form without JavaScript) -----------------------------------


class Unresolved(str):
    """Text that named no record, or several: the form's value, carrying the message the
    field validation shows instead of "Enter a valid record id"."""

    problem: str

    def __new__(cls, text: str, problem: str) -> "Unresolved":
        value = super().__new__(cls, text)
        value.problem = problem
        return value


def _exact(s: Suggestion, text: str) -> bool:
    t = text.casefold()
    return s.title.casefold() == t or (bool(s.hint) and s.hint.casefold() == t)


async def resolve(kernel, principal, field, text: str, for_entity: str | None = None,
                  creating: bool = False) -> UUID | Unresolved | None:
    """The record ``text`` names (its title, e-mail, phone or tax id), or why none."""
    text = clean_query(text)
    if not text:
        return None
    try:
        found = await suggestions(kernel, principal, field.reference, text, MAX_SUGGESTIONS, for_entity, creating)
    except NotFound:
        found = []
    exact = [s for s in found if _exact(s, text)]
    chosen = exact if exact else found
    if len(chosen) == 1:
        return UUID(chosen[0].id)
    label = field.label_for(principal.language)
    if not chosen:
        return Unresolved(text, _("Nothing matches “%(text)s” in %(field)s.") % {"text": text, "field": label})
    names = ", ".join(s.title for s in chosen[:5])
    return Unresolved(text, _("Several records match “%(text)s”: %(names)s. Type more of the name.") % {"text": text, "names": names})


def picked_text(form, name: str) -> str | None:
    """The text typed into a picker posted without choosing (None: the picker sent its id).

    Unchanged text (``<name>__was``: the title the form showed) keeps the id it stood for,
    so two records of one name never make an untouched field ambiguous."""
    key = f"{name}__pick"
    if key not in form:
        return None
    typed = clean_query(form.get(key))
    if typed and typed == clean_query(form.get(f"{name}__was")) and form.get(name):
        return None
    return typed


def picker_keys(name: str) -> tuple[str, str]:
    return f"{name}__pick", f"{name}__was"


async def resolve_form(kernel, principal, form, field, for_entity: str | None, creating: bool = False) -> Any:
    """The value a posted picker stands for: its id, the record its typed text names, or ``Unresolved``."""
    typed = picked_text(form, field.name)
    if typed is None:
        return form.get(field.name) or None
    return await resolve(kernel, principal, field, typed, for_entity, creating)

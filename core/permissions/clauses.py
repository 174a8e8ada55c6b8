"""How a gate's reads compile to SQL: scope, filters, search, sort and the keyset cursor.

A mixin of :class:`core.permissions.gate.Gate`, apart so the gate's module
keeps the operations (list, get, create, ...) and this one the clauses they
are built from. It relies on the gate's ``entity``, ``principal``, ``fields``,
``custom``, ``kind``, ``table`` and ``readable()``. Every field a request
names is checked here (unknown or unreadable: ``Refused``), so no channel can
filter, sort or search its way to a value it may not read.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from piccolo.querystring import QueryString

from core.entities.spec import Field
from core.entities.sql import ALL_OPERATORS, TEXT_OPERATORS, Filter, compile_filter, expression, join, quote
from core.permissions.errors import Refused

# Field types stored in text columns, where "" can stand for "no value".
TEXT_TYPES = frozenset({"text", "long_text", "email", "phone", "url", "choice"})

# Actions that read rows out (a file, a total): their own scope bounds them,
# and never past the read scope — what one may not read one may not export.
READING_ACTIONS = ("read", "export", "report")


class ReadClauses:
    def _field_for_query(self, name: str, purpose: str) -> Field:
        if name not in self.fields:
            raise Refused({name: f"unknown field, cannot {purpose}"})
        if not self.readable(name):
            raise Refused({name: f"you may not read this field, so you cannot {purpose}"})
        return self.fields[name]

    def _scope(self, action: str) -> QueryString | None:
        """The WHERE fragment for the principal's scope on ``action``; None: no access."""
        scope = self.principal.scope(self.entity.permission(action))
        owner = quote(self.entity.owner_field)
        if scope == "all":
            return QueryString("1 = 1")
        if scope == "none" or self.principal.user_id is None:
            return None
        if scope == "own":
            return QueryString(f"{owner} = {{}}", self.principal.user_id)
        ids = self.principal.team_member_ids if scope == "team" else self.principal.department_member_ids
        ids = sorted(set(ids) | {self.principal.user_id}, key=str)
        return QueryString(f"{owner} IN ({', '.join('{}' for _ in ids)})", *ids)

    def _where(self, action: str | tuple[str, ...], *, trash: bool = False, extra: list[QueryString] = ()) -> QueryString | None:
        """The WHERE fragment of rows ``action`` reaches (several actions: rows all of them reach);
        None when one of them reaches nothing. Export and report are also bounded by read."""
        actions = (action,) if isinstance(action, str) else tuple(action)
        if any(a in READING_ACTIONS for a in actions):
            actions = tuple(dict.fromkeys(("read", *actions)))
        scopes = [self._scope(a) for a in actions]
        if any(s is None for s in scopes):
            return None
        deleted = QueryString('"deleted_at" IS NOT NULL' if trash else '"deleted_at" IS NULL')
        return join([*scopes, deleted, *extra], " AND ")

    def _filters(self, filters: list[Filter]) -> list[QueryString]:
        out = []
        for f in filters:
            spec = self._field_for_query(f.field, "filter on it")
            if f.op not in ALL_OPERATORS:
                raise Refused({f.field: f"unknown operator {f.op!r} (use one of {', '.join(ALL_OPERATORS)})"})
            if f.op in TEXT_OPERATORS and spec.type not in TEXT_TYPES:
                # PostgreSQL has no lower() of a number or a date: refused alike on both engines.
                from core.i18n import _

                raise Refused({f.field: _("{op} applies to text fields only").format(op=f.op)})
            if spec.custom and spec.type == "multi_choice" and f.op in ("eq", "in"):
                out.append(self._multi_choice_filter(spec, f))
                continue
            if f.op == "isnull" and not spec.custom and spec.type in TEXT_TYPES:
                # "" is how a NOT NULL text column stores no value (see _native_empty).
                out.append(self._blank_filter(spec, self._filter_value(spec, f)))
                continue
            out.append(compile_filter(spec, f.op, self._filter_value(spec, f), self.kind))
        return out

    def _blank_filter(self, spec: Field, empty: bool) -> QueryString:
        col = quote(spec.name)
        return QueryString(f"({col} IS NULL OR {col} = '')" if empty else f"({col} IS NOT NULL AND {col} <> '')")

    def _multi_choice_filter(self, spec: Field, f: Filter) -> QueryString:
        """A multi-choice holds a list: ``eq`` a,b means it holds both, ``in`` a,b either."""
        from core.custom_fields.sql import contains_sql
        from core.entities.validation import FieldError, clean_value

        try:
            chosen = clean_value(spec, f.value)
        except FieldError as exc:
            raise Refused({f.field: f"cannot filter on {f.value!r}: {exc}"}) from None
        if not chosen:
            return QueryString("1 = 1")
        parts = [QueryString(contains_sql(spec, self.kind), self._param(spec, v)) for v in chosen]
        return QueryString("(" + (" AND " if f.op == "eq" else " OR ").join("{}" for _ in parts) + ")", *parts)

    def _filter_value(self, spec: Field, f: Filter) -> Any:
        from core.entities.validation import FieldError, clean_value

        if f.op == "isnull":
            return str(f.value).lower() in ("1", "true", "yes", "on")
        if f.op in ("contains", "startswith"):
            return str(f.value)
        try:
            if f.op == "in":
                raw = f.value if isinstance(f.value, (list, tuple)) else str(f.value).split(",")
                return [self._param(spec, clean_value(spec, v)) for v in raw]
            return self._param(spec, clean_value(spec, f.value))
        except FieldError as exc:
            raise Refused({f.field: f"cannot filter on {f.value!r}: {exc}"}) from None

    def _param(self, spec: Field, value: Any) -> Any:
        """A cleaned value as a query parameter comparable with the field's expression.

        Custom fields go through ``field_param``, the counterpart of the
        ``field_sql`` expression their index is built on (stored text forms on
        SQLite, typed values on PostgreSQL)."""
        if spec.custom:
            from core.custom_fields.sql import field_param

            return field_param(spec, value, self.kind)
        return value

    def _search(self, text: str) -> list[QueryString]:
        from core.entities.sql import escape_like
        from core.search.ranking import search_terms

        terms = search_terms(text)  # casefolded words; a typed phone becomes its digits
        if not terms:
            return []
        patterns = [f"%{escape_like(t)}%" for t in terms]
        if not self.entity.search_fields:
            if self._custom_search:
                return [self._with_custom(QueryString("1 = 0"), p) for p in patterns]
            raise Refused({"search": "this list has no search fields"})
        visible = [n for n in self.entity.search_fields if self.readable(n)]
        if len(visible) == len(self.entity.search_fields):
            return [self._with_custom(self._search_text_match(t, p), p) for t, p in zip(terms, patterns)]
        # ``search_text`` holds every search field, hidden ones too: matching
        # it would answer "which records have this tax id" to someone who may
        # not read tax ids. Search the readable fields one by one instead.
        if not visible and not self._custom_search:
            raise Refused({"search": "you may not read any of the fields this list searches"})
        from core.db.engine import fold_sql

        matches = [f"{fold_sql(quote(n), self.kind)} LIKE {{}} ESCAPE '\\'" for n in visible] or ["1 = 0"]
        return [self._with_custom(QueryString("(" + " OR ".join(matches) + ")", *([p] * len(visible))), p) for p in patterns]

    def _search_text_match(self, term: str, pattern: str) -> QueryString:
        """``search_text`` contains ``term``, answered by the trigram index (core.entities.search_index).

        PostgreSQL's GIN trigram index serves the plain LIKE; SQLite's FTS5
        trigram table needs the LIKE asked of it, and only for terms it can
        answer (3+ characters, no wildcards), else the scan stays.
        """
        from core.entities.search_index import index_table, sqlite_match

        if self.kind == "sqlite" and sqlite_match(term):
            fts = quote(index_table(self.table))
            return QueryString(f'"rowid" IN (SELECT "rowid" FROM {fts} WHERE "search_text" LIKE {{}})', f"%{term}%")
        return QueryString("\"search_text\" LIKE {} ESCAPE '\\'", pattern)

    @cached_property
    def _custom_search(self) -> list[Field]:
        """Readable one-line text custom fields: searched by their own expression, not through
        ``search_text``, so a retired, purged or hidden field never matches (long text is left out:
        scanning it on every search is too costly)."""
        return [f for f in self.custom if f.type in ("text", "email", "phone", "url") and self.readable(f.name)]

    def _with_custom(self, native: QueryString, pattern: str) -> QueryString:
        if not self._custom_search:
            return native
        from core.db.engine import fold_sql

        matches = [f"{fold_sql(expression(f, self.kind), self.kind)} LIKE {{}} ESCAPE '\\'" for f in self._custom_search]
        return QueryString("({} OR " + " OR ".join(matches) + ")", native, *([pattern] * len(matches)))

    def _order(self, sort: list[str]) -> tuple[list[tuple[Field, bool]], bool]:
        keys = sort or list(self.entity.order)
        order: list[tuple[Field, bool]] = []
        for key in keys:
            spec = self._field_for_query(key.lstrip("-"), "sort on it")
            order.append((spec, key.startswith("-")))
        # Keyset paging needs a total order on non-null columns; id breaks ties.
        keyset = all(not f.custom and f.name in ("created_at", "updated_at", "id", "version") or f.required for f, _ in order)
        if not any(f.name == "id" for f, _ in order):
            order.append((self.fields["id"], order[-1][1] if order else False))
        return order, keyset

    def _after(self, order: list[tuple[Field, bool]], values: list[Any]) -> QueryString:
        if len(values) != len(order):
            raise Refused({"cursor": "the cursor does not match this sort"})
        typed = [self._cursor_value(f, v) for (f, _), v in zip(order, values)]
        branches = []
        for i, (f, desc) in enumerate(order):
            parts = [QueryString(f"{expression(g, self.kind)} = {{}}", typed[j]) for j, (g, _) in enumerate(order[:i])]
            parts.append(QueryString(f"{expression(f, self.kind)} {'<' if desc else '>'} {{}}", typed[i]))
            branches.append(join(parts, " AND "))
        return QueryString("(" + " OR ".join("({})" for _ in branches) + ")", *branches)

    def _cursor_value(self, spec: Field, value: Any) -> Any:
        from core.entities.validation import FieldError, clean_value

        try:
            return self._param(spec, clean_value(spec, value))
        except FieldError:
            raise Refused({"cursor": "invalid cursor"}) from None

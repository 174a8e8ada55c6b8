"""The query gate: the one path from requests and jobs to entity rows.

Every read — list page, htmx partial, API, search, count, export, report,
relation picker, job — goes through :class:`Gate`, so permissions hold on all
of them alike:

* the record scope of the principal's grant (own / team / department / all)
  compiles into the WHERE clause; no grant, no rows;
* fields the principal may not read are masked from every row, and filters,
  sorts and searches on them are refused (400), as are unknown fields;
* writes of keys the principal may not write — system fields, the owner
  without the assign permission, read-only or hidden fields — are rejected,
  never silently dropped; values are validated on every write;
* forbidden and missing records are the same ``NotFound`` (404);
* every write bumps ``version`` and is conditional on the version the editor
  saw (optimistic locking), and writes its audit rows in the same transaction.
"""

from __future__ import annotations

from functools import cached_property

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from uuid import UUID

from piccolo.querystring import QueryString

from core.audit.trail import record_changes
from core.db.engine import engine_kind, get_engine, write_transaction
from core.entities.registry import all_fields
from core.entities.spec import SYSTEM_FIELDS, Entity, Field
from core.entities.sql import ALL_OPERATORS, Filter, compile_filter, decode_cursor, encode_cursor, expression, join, quote
from core.permissions.errors import Conflict, Invalid, NotFound, Refused
from core.permissions.principal import Principal

MAX_LIMIT = 500


@dataclass
class ListRequest:
    filters: list[Filter] = field(default_factory=list)
    sort: list[str] = field(default_factory=list)  # "name", "-created_at"
    search: str = ""
    cursor: str | None = None
    limit: int = 50
    trash: bool = False  # the trash view: deleted rows, needs the restore permission


@dataclass
class Page:
    rows: list[dict]
    next_cursor: str | None
    keyset: bool  # False when the chosen sort can only page by offset


# Field types stored in text columns, where "" can stand for "no value".
TEXT_TYPES = frozenset({"text", "long_text", "email", "phone", "url", "choice"})


class Gate:
    def __init__(self, kernel, entity: Entity, principal: Principal, custom: list[Field] = ()):
        self.kernel = kernel
        self.entity = entity
        self.principal = principal
        self.engine = get_engine()
        self.kind = engine_kind(self.engine)
        self.table = entity.table._meta.tablename
        self.fields = {f.name: f for f in all_fields(entity, list(custom))}
        self.custom = [f for f in self.fields.values() if f.custom]

    # -- construction -------------------------------------------------------

    @classmethod
    async def open(cls, kernel, key: str, principal: Principal) -> "Gate":
        entity = kernel.entities.get(key)
        if entity is None:
            raise NotFound(key)
        return cls(kernel, entity, principal, await active_custom_fields(key))

    # -- what the principal may see -------------------------------------------

    def readable(self, name: str) -> bool:
        return name in self.fields and self.principal.can_read_field(self.entity.key, name)

    @property
    def readable_fields(self) -> list[Field]:
        return [f for f in self.fields.values() if self.readable(f.name)]

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

    def _where(self, action: str, *, trash: bool = False, extra: list[QueryString] = ()) -> QueryString | None:
        scope = self._scope(action)
        if scope is None:
            return None
        deleted = QueryString('"deleted_at" IS NOT NULL' if trash else '"deleted_at" IS NULL')
        return join([scope, deleted, *extra], " AND ")

    # -- reads --------------------------------------------------------------------

    def _filters(self, filters: list[Filter]) -> list[QueryString]:
        out = []
        for f in filters:
            spec = self._field_for_query(f.field, "filter on it")
            if f.op not in ALL_OPERATORS:
                raise Refused({f.field: f"unknown operator {f.op!r} (use one of {', '.join(ALL_OPERATORS)})"})
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

        terms = [t for t in text.casefold().split() if t]
        if not terms:
            return []
        terms = terms[:8]
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

    def _select_list(self) -> str:
        native = [f.name for f in self.fields.values() if not f.custom]
        return ", ".join(quote(n) for n in native + ["custom"])

    async def list(self, req: ListRequest) -> Page:
        limit = max(1, min(req.limit, MAX_LIMIT))
        extra = self._filters(req.filters) + self._search(req.search)
        where = self._where("restore" if req.trash else "read", trash=req.trash, extra=extra)
        if where is None:
            raise NotFound(self.entity.key)
        order, keyset = self._order(req.sort)
        offset = 0
        if req.cursor:
            try:
                values = decode_cursor(req.cursor)
            except (ValueError, TypeError):
                raise Refused({"cursor": "invalid cursor"}) from None
            if keyset:
                where = join([where, self._after(order, values)], " AND ")
            else:
                offset = int(values[0]) if values and str(values[0]).isdigit() else 0
        order_sql = ", ".join(f"{expression(f, self.kind)} {'DESC' if desc else 'ASC'}" for f, desc in order)
        sql = f"SELECT {self._select_list()} FROM {quote(self.table)} WHERE {{}} ORDER BY {order_sql} LIMIT {limit + 1}"
        if offset:
            sql += f" OFFSET {offset}"
        rows = await self.engine.run_querystring(QueryString(sql, where))
        more = len(rows) > limit
        rows = [self._decode(r) for r in rows[:limit]]
        cursor = None
        if more:
            if keyset:
                last = rows[-1]
                cursor = encode_cursor([last[f.name] for f, _ in order])
            else:
                cursor = encode_cursor([offset + limit])
        return Page(rows=[self._mask(r) for r in rows], next_cursor=cursor, keyset=keyset)

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

    async def iterate(self, fields: list[str], *, batch: int = 5000):
        """Every live row the principal may read, with only ``fields`` (unreadable ones left
        out, ``id`` always in), in id order, ``batch`` rows at a time (an async iterator of lists).

        For readers of a whole table (a duplicate scan, an export, a job): the same
        scope as :meth:`list`, without its sort and search machinery and without
        reading columns nobody asked for — at 1M rows the columns read are most
        of the cost."""
        if self._where("read") is None:
            raise NotFound(self.entity.key)
        wanted = list(dict.fromkeys(["id", *[n for n in fields if self.readable(n)]]))
        native = [n for n in wanted if not self.fields[n].custom]
        columns = ", ".join(quote(n) for n in native + (["custom"] if len(native) < len(wanted) else []))
        last = None
        while True:
            extra = [QueryString('"id" > {}', last)] if last is not None else []
            sql = f"SELECT {columns} FROM {quote(self.table)} WHERE {{}} ORDER BY \"id\" LIMIT {int(batch)}"
            rows = await self.engine.run_querystring(QueryString(sql, self._where("read", extra=extra)))
            if not rows:
                return
            out = []
            for record in rows:
                row = self._decode(record) if "custom" in columns else dict(record)
                for name in self._blank_as_null:
                    if row.get(name) == "":
                        row[name] = None
                out.append({n: row.get(n) for n in wanted})
            yield out
            if len(rows) < batch:
                return
            last = out[-1]["id"]

    async def count(self, filters: list[Filter] = (), search: str = "", sort: list[str] = ()) -> int:
        """How many rows a list with these filters and search shows. A ``sort``
        is checked like a list's (refused on unknown or unreadable fields),
        so one query string means the same on every channel, then ignored."""
        self._order(list(sort))
        where = self._where("read", extra=self._filters(list(filters)) + self._search(search))
        if where is None:
            raise NotFound(self.entity.key)
        rows = await self.engine.run_querystring(QueryString(f"SELECT count(*) AS n FROM {quote(self.table)} WHERE {{}}", where))
        return int(rows[0]["n"])

    async def totals(self, group: str, total: str | None = None, filters: list[Filter] = (), search: str = "") -> dict[Any, tuple[int, Any]]:
        """Per value of ``group``: how many rows a list with these filters shows, and the sum of ``total``.

        Both fields are checked like a filter's (unknown or unreadable: refused);
        only numbers can be summed. Sums are exact: ``numeric`` on PostgreSQL;
        on SQLite money is summed as integer cents and decimals in Python
        ``Decimal`` (SQLite's own sum is a float). Returns ``{value: (count, sum)}``,
        the sum ``None`` without ``total``; a group with no rows is absent.
        """
        from decimal import Decimal

        spec = self._field_for_query(group, "group by it")
        summed = self._field_for_query(total, "sum it") if total else None
        if summed is not None and summed.type not in ("integer", "decimal", "money"):
            raise Refused({total: "only integer, decimal and money fields can be summed"})
        where = self._where("read", extra=self._filters(list(filters)) + self._search(search))
        if where is None:
            raise NotFound(self.entity.key)
        key, table = expression(spec, self.kind), quote(self.table)
        if summed is None:
            sql = f"SELECT {key} AS k, count(*) AS n, NULL AS s FROM {table} WHERE {{}} GROUP BY {key}"
        elif self.kind == "postgres" or summed.type == "integer":
            sql = f"SELECT {key} AS k, count(*) AS n, sum({expression(summed, self.kind)}) AS s FROM {table} WHERE {{}} GROUP BY {key}"
        elif summed.type == "money":
            cents = f"CAST(round(CAST({expression(summed, self.kind)} AS REAL) * 100) AS INTEGER)"
            sql = f"SELECT {key} AS k, count(*) AS n, sum({cents}) AS s FROM {table} WHERE {{}} GROUP BY {key}"
        else:  # a decimal on SQLite: add the stored values up in Python
            raw = QueryString(f"SELECT {key} AS k, {expression(summed, self.kind)} AS v FROM {table} WHERE {{}}", where)
            out: dict[Any, tuple[int, Any]] = {}
            for row in await self.engine.run_querystring(raw):
                n, s = out.get(row["k"], (0, Decimal(0)))
                out[row["k"]] = (n + 1, s + (Decimal(str(row["v"])) if row["v"] is not None else 0))
            return out
        out = {}
        for row in await self.engine.run_querystring(QueryString(sql, where)):
            s = row["s"]
            if summed is not None:
                s = s or 0
                if summed.type == "integer":
                    s = int(s)
                elif summed.type == "money":
                    s = (Decimal(int(s)) / 100 if self.kind == "sqlite" else Decimal(s)).quantize(Decimal("0.01"))
                else:
                    s = Decimal(s)
            out[row["k"]] = (int(row["n"]), s)
        return out

    async def get(self, record_id: Any, *, action: str = "read", trash: bool = False) -> dict:
        return self._mask(await self._fetch(record_id, action, trash))

    async def _fetch(self, record_id: Any, action: str, trash: bool = False) -> dict:
        rid = _uuid(record_id)
        where = self._where(action, trash=trash, extra=[QueryString('"id" = {}', rid)]) if rid else None
        if where is None:
            raise NotFound(str(record_id))
        rows = await self.engine.run_querystring(QueryString(f"SELECT {self._select_list()} FROM {quote(self.table)} WHERE {{}}", where))
        if not rows:
            raise NotFound(str(record_id))
        return self._decode(rows[0])

    def _decode(self, record) -> dict:
        from core.entities.stored_values import from_storage

        row = dict(record)  # asyncpg returns Records
        custom = row.pop("custom", None) or {}
        if isinstance(custom, str):
            custom = json.loads(custom)
        for f in self.custom:
            row[f.name] = from_storage(f, custom.get(f.name))
        for name in self._blank_as_null:
            if row.get(name) == "":
                row[name] = None  # the other half of _native_empty: no value reads as null everywhere
        return row

    @cached_property
    def _blank_as_null(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields.values() if not f.custom and f.type in TEXT_TYPES)

    def _mask(self, row: dict) -> dict:
        names = self._readable_names
        return {k: v for k, v in row.items() if k in names}

    @cached_property
    def _readable_names(self) -> frozenset[str]:
        # Asked once per gate, not per key of every row: a 500-row page of a
        # 30-field entity made 15k readable() calls, most of a big scan's read.
        return frozenset(n for n in self.fields if self.readable(n))

    # -- writes ---------------------------------------------------------------------

    def _check_keys(self, data: dict, *, creating: bool) -> None:
        refused: dict[str, str] = {}
        for key in data:
            spec = self.fields.get(key)
            if spec is None:
                refused[key] = "unknown field"
            elif key in SYSTEM_FIELDS or spec.readonly:
                refused[key] = "read-only field"
            elif not self.principal.can_write_field(self.entity.key, key):
                refused[key] = "you may not change this field"
            elif key == self.entity.owner_field and not self.principal.can(self.entity.permission("assign")):
                refused[key] = "you may not assign the responsible user"
        if refused:
            raise Refused(refused)

    def _transaction(self):
        return write_transaction(self.engine)

    def _split(self, values: dict) -> tuple[dict, dict]:
        from core.entities.stored_values import to_storage

        native = {k: self._native_empty(k, v) for k, v in values.items() if not self.fields[k].custom}
        custom = {k: to_storage(self.fields[k], v) for k, v in values.items() if self.fields[k].custom}
        return native, custom

    def _native_empty(self, name: str, value: Any) -> Any:
        """A cleared optional text field on a NOT NULL column is stored as "".

        Plugins' tables often declare text columns NOT NULL with default ""
        (Piccolo's default); "no value" must still be writable there.
        """
        if value is not None:
            return value
        column = self.entity.table._meta.get_column_by_name(name)
        if not column._meta.null and self.fields[name].type in TEXT_TYPES:
            return ""
        return value

    def _null_errors(self, clean: dict) -> dict[str, str]:
        """Empty values a NOT NULL column cannot hold (a JSON ``null`` for a yes/no
        field): a per-field error, not the database's refusal as a 500."""
        from core.i18n import _

        errors = {}
        for name, value in clean.items():
            spec = self.fields[name]
            if value is None and not spec.custom and self._native_empty(name, None) is None:
                if not self.entity.table._meta.get_column_by_name(name)._meta.null:
                    errors[name] = _("This field is required.")
        return errors

    def _search_text(self, row: dict) -> str:
        parts = [str(row.get(name) or "") for name in self.entity.search_fields]
        return " ".join(p for p in parts if p).casefold()

    async def create(self, data: dict) -> dict:
        from core.entities.validation import validate

        if self._scope("create") is None:
            raise NotFound(self.entity.key)
        self._check_keys(data, creating=True)
        writable = [f for f in self.fields.values() if f.name not in SYSTEM_FIELDS and not f.readonly]
        clean, errors = validate(writable, data, partial=False)
        errors = {**self._null_errors(clean), **errors}
        # Record checks see the values that passed their field's own check, so
        # one refused form lists every problem at once.
        clean = await self._record_checks(clean, None, errors)
        await self._check_references(clean)
        from core.entities.base import new_id

        now = datetime.now(timezone.utc)
        record_id = new_id()
        native, custom = self._split(clean)
        native.setdefault(self.entity.owner_field, self.principal.user_id)
        row = {
            **native,
            "id": record_id,
            "created_at": now,
            "updated_at": now,
            "created_by": self.principal.user_id,
            "updated_by": self.principal.user_id,
            "version": 1,
            "custom": json.dumps(custom),
            "search_text": self._search_text({**clean}),
        }
        columns = ", ".join(quote(k) for k in row)
        sql = f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({', '.join('{}' for _ in row)})"
        async with self._transaction():
            # Checked before the write: a unique expression index (custom fields)
            # would otherwise refuse the INSERT itself, with no per-field message.
            await self._check_unique(clean, record_id)
            await self.engine.run_querystring(QueryString(sql, *row.values()))
            await record_changes(self.principal, self.entity.key, record_id, "create", {}, {**clean, self.entity.owner_field: native[self.entity.owner_field]})
        return await self.get(record_id)

    async def update(self, record_id: Any, data: dict, version: int | None) -> dict:
        from core.entities.validation import validate

        self._check_keys(data, creating=False)
        if version is None:
            raise Refused({"version": "send the version you edited (optimistic locking)"})
        writable = [f for f in self.fields.values() if f.name in data]
        clean, errors = validate(writable, data, partial=True)
        errors = {**self._null_errors(clean), **errors}
        if errors:
            raise Invalid(errors)
        await self._check_references(clean)
        async with self._transaction():
            current = await self._fetch(record_id, "write")
            if current["version"] != version:
                raise Conflict(self._mask(current), self._changed_since(current, data, version))
            clean = await self._record_checks(clean, current)
            changes = {k: v for k, v in clean.items() if current.get(k) != v}
            if not changes:
                return self._mask(current)
            merged = {**current, **clean}
            native, custom = self._split(changes)
            assignments = {**native, "custom": json.dumps({**(await self._raw_custom(current["id"])), **custom})}
            assignments.update(
                updated_at=datetime.now(timezone.utc), updated_by=self.principal.user_id, search_text=self._search_text(merged)
            )
            sets = ", ".join(f"{quote(k)} = {{}}" for k in assignments)
            sql = f'UPDATE {quote(self.table)} SET {sets}, "version" = "version" + 1 WHERE "id" = {{}} AND "version" = {{}} RETURNING "id"'
            await self._check_unique(changes, current["id"])  # before the write, as in create
            done = await self.engine.run_querystring(QueryString(sql, *assignments.values(), current["id"], version))
            if not done:
                latest = await self._fetch(record_id, "read")
                raise Conflict(self._mask(latest), self._changed_since(latest, data, version))
            await record_changes(self.principal, self.entity.key, current["id"], "update", {k: current.get(k) for k in changes}, changes)
        return await self.get(current["id"])

    async def _record_checks(self, clean: dict, current: dict | None, errors: dict | None = None) -> dict:
        """Plugins' record-level checks (the ``record_checks`` hook): normalised values or a refusal.

        Only keys already being written may be replaced, so a hook can never
        slip in a field the principal was not allowed to send."""
        import inspect

        errors = dict(errors or {})
        for result in self.kernel.hook.record_checks(kernel=self.kernel, entity=self.entity, values=dict(clean),
                                                   current=current, principal=self.principal):
            result = await result if inspect.isawaitable(result) else result
            if not result:
                continue
            errors.update({k: v for k, v in (result.get("errors") or {}).items() if k not in errors})
            clean.update({k: v for k, v in (result.get("values") or {}).items() if k in clean})
        if errors:
            raise Invalid(errors)
        return clean

    # -- bulk writes (core.dataio's import) -------------------------------------------
    # The import writes set-based SQL, not one create()/update() per row, but
    # with the gate's own rules: these expose them so they are not copied.

    def scope_where(self, action: str, *, extra: list[QueryString] = ()) -> QueryString | None:
        """The WHERE fragment (scope, live rows) for ``action``; None: no access at all."""
        return self._where(action, extra=list(extra))

    def check_write_keys(self, names, *, creating: bool) -> None:
        """Refuse (``Refused``) field names the principal may not write, as create/update do."""
        self._check_keys(dict.fromkeys(names), creating=creating)

    def storage_values(self, clean: dict) -> tuple[dict, dict]:
        """Cleaned values as stored: (native columns, custom JSON values)."""
        return self._split(clean)

    def search_text(self, row: dict) -> str:
        return self._search_text(row)

    async def checked_values(self, clean: dict, current: dict | None = None) -> dict:
        """Plugins' record checks on cleaned values (normalised values, or ``Invalid``)."""
        return await self._record_checks(dict(clean), current)

    async def _raw_custom(self, record_id: UUID) -> dict:
        """Stored custom values as they are, retired fields included (they are kept until purged)."""
        rows = await self.engine.run_querystring(QueryString(f'SELECT "custom" FROM {quote(self.table)} WHERE "id" = {{}}', record_id))
        custom = rows[0]["custom"] if rows else {}
        return json.loads(custom) if isinstance(custom, str) else dict(custom or {})

    def _changed_since(self, current: dict, data: dict, version: int) -> dict[str, tuple]:
        """Fields whose stored value differs from what the editor sent: (sent, stored)."""
        masked = self._mask(current)
        return {k: (data[k], masked.get(k)) for k in data if k in masked and masked.get(k) != data[k]}

    async def delete(self, record_id: Any, version: int | None = None) -> None:
        async with self._transaction():
            current = await self._fetch(record_id, "delete")
            if version is not None and current["version"] != version:
                raise Conflict(self._mask(current), {})
            now = datetime.now(timezone.utc)
            await self._set_deleted(current["id"], now)
            for rel in self.entity.relations:
                await self._cascade(rel, current["id"], now)
            await record_changes(self.principal, self.entity.key, current["id"], "delete", {"deleted_at": None}, {"deleted_at": now})

    async def restore(self, record_id: Any) -> dict:
        async with self._transaction():
            current = await self._fetch(record_id, "restore", trash=True)
            deleted_at = current["deleted_at"]
            # A live record may have taken a unique value meanwhile: say so
            # per field (409-style Invalid) instead of letting an index refuse.
            await self._check_unique({f.name: current.get(f.name) for f in self.fields.values() if f.unique}, current["id"])
            await self._set_deleted(current["id"], None)
            # Children trashed by the same delete come back with their parent.
            for rel in self.entity.relations:
                await self._cascade(rel, current["id"], None, only_deleted_at=deleted_at)
            await record_changes(self.principal, self.entity.key, current["id"], "restore", {"deleted_at": deleted_at}, {"deleted_at": None})
        return await self.get(current["id"])

    async def _set_deleted(self, record_id: UUID, value: datetime | None) -> None:
        sql = f'UPDATE {quote(self.table)} SET "deleted_at" = {{}}, "version" = "version" + 1, "updated_at" = {{}}, "updated_by" = {{}} WHERE "id" = {{}}'
        await self.engine.run_querystring(QueryString(sql, value, datetime.now(timezone.utc), self.principal.user_id, record_id))

    async def _cascade(self, rel, parent_id: UUID, value: datetime | None, only_deleted_at: datetime | None = None) -> None:
        table = quote(self.kernel.entities[rel.entity].table._meta.tablename)
        col = quote(rel.field)
        if value is not None:
            sql = f'UPDATE {table} SET "deleted_at" = {{}}, "version" = "version" + 1 WHERE {col} = {{}} AND "deleted_at" IS NULL'
            await self.engine.run_querystring(QueryString(sql, value, parent_id))
        else:
            sql = f'UPDATE {table} SET "deleted_at" = NULL, "version" = "version" + 1 WHERE {col} = {{}} AND "deleted_at" = {{}}'
            await self.engine.run_querystring(QueryString(sql, parent_id, only_deleted_at))

    async def _check_references(self, values: dict) -> None:
        """A reference must point at a record the principal can read (no probing of hidden ids)."""
        errors = {}
        for name, value in values.items():
            spec = self.fields[name]
            if spec.type != "reference" or value is None or spec.reference == "core.user":
                continue
            try:
                await (await Gate.open(self.kernel, spec.reference, self.principal)).get(value)
            except NotFound:
                errors[name] = "no such record"
        if errors:
            raise Invalid(errors)

    async def _check_unique(self, values: dict, record_id: UUID) -> None:
        errors = {}
        for name, value in values.items():
            spec = self.fields[name]
            if not spec.unique or value in (None, ""):
                continue
            expr = expression(spec, self.kind)
            sql = f'SELECT 1 AS x FROM {quote(self.table)} WHERE {expr} = {{}} AND "id" <> {{}} AND "deleted_at" IS NULL LIMIT 1'
            if await self.engine.run_querystring(QueryString(sql, self._param(spec, value), record_id)):
                errors[name] = "this value is already used by another record"
        if errors:
            raise Invalid(errors)


async def active_custom_fields(key: str) -> list[Field]:
    from core.custom_fields.definitions import list_fields

    return await list_fields(key)


def _uuid(value: Any) -> UUID | None:
    if isinstance(value, UUID):
        return value
    try:
        return UUID(str(value))
    except (ValueError, TypeError):
        return None

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

The clauses reads are built from live in :mod:`core.permissions.clauses`, the
rules writes obey in :mod:`core.permissions.write_rules`; this module holds
the operations themselves.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from datetime import datetime, timezone
from typing import Any
from uuid import UUID

from piccolo.querystring import QueryString

from core.audit.trail import record_changes
from core.db.engine import engine_kind, get_engine, write_transaction
from core.entities.registry import all_fields
from core.entities.spec import SYSTEM_FIELDS, Entity, Field
from core.entities.sql import Filter, decode_cursor, encode_cursor, expression, join, quote
from core.entities.ids import as_uuid
from core.hooks.contributions import WrittenRecord
from core.permissions.clauses import TEXT_TYPES, ReadClauses
from core.permissions.errors import Conflict, Invalid, NotFound, Refused
from core.permissions.grouping import Group, Grouping
from core.permissions.trash import TrashOperations
from core.permissions.principal import Principal
from core.permissions.write_rules import WriteRules

MAX_LIMIT = 500


@dataclass
class ListRequest:
    """What :meth:`Gate.list` reads: :class:`~core.entities.sql.Filter` s (all must hold),
    ``sort`` keys (``"-created_at"`` descends), a ``search`` text, the ``cursor`` of
    the previous page, a ``limit``, the ``trash`` view, and the ``action`` whose scope
    bounds the rows ("read", "export" or "report")."""

    filters: list[Filter] = field(default_factory=list)
    sort: list[str] = field(default_factory=list)  # "name", "-created_at"
    search: str = ""
    cursor: str | None = None
    limit: int = 50
    trash: bool = False  # the trash view: deleted rows, needs the restore permission
    # Which action reads: "read" (screens, API), "export" (files, feeds) or "report"
    # (totals): each is bounded by its own scope, and by read's.
    action: str = "read"
    # Only these fields in each row, in this order (the API's ``fields=``); empty: every
    # readable field. Unknown and unreadable names are refused (see Gate.sparse_fields).
    fields: list[str] = field(default_factory=list)


@dataclass
class Page:
    """A page of rows from :meth:`Gate.list`; ``next_cursor`` is ``None`` on the last one."""

    rows: list[dict]
    next_cursor: str | None
    keyset: bool  # False when the chosen sort can only page by offset


@dataclass(frozen=True)
class ListQuery:
    """The query of one list page (:meth:`Gate.list_query`): its SQL, sort, paging and fields."""

    query: QueryString
    order: list  # (Field, descending) pairs, id last
    keyset: bool
    offset: int
    limit: int
    sparse: tuple[str, ...]


class Gate(ReadClauses, Grouping, WriteRules, TrashOperations):
    """Every read and write of an entity's rows, bounded by what a principal may do.

    Open it with :meth:`open` (``await Gate.open(kernel, "contacts.client", principal)``).
    Rows outside the principal's scope do not exist for it (:class:`NotFound`);
    fields it may not read are absent from every row; writes are validated
    and version-checked. Pages, the API, exports, reports and jobs all go through it.
    """

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
        """The gate of the entity ``key`` (``<plugin>.<name>``) for ``principal``, with the
        entity's active custom fields. An unknown (or switched-off) entity is :class:`NotFound`."""
        entity = kernel.entities.get(key)
        if entity is None:
            raise NotFound(key)
        return cls(kernel, entity, principal, await active_custom_fields(key, principal.stamp))

    # -- what the principal may see -------------------------------------------

    def readable(self, name: str) -> bool:
        return name in self.fields and self.principal.can_read_field(self.entity.key, name)

    @property
    def readable_fields(self) -> list[Field]:
        return [f for f in self.fields.values() if self.readable(f.name)]

    # -- reads --------------------------------------------------------------------

    def sparse_fields(self, names) -> tuple[str, ...]:
        """``names`` (the API's ``fields=``) checked: the fields rows are cut down to, in
        order, without repeats; empty for every readable field. A name that is not a
        field the principal may read is refused with the same words whether it is
        unknown or hidden (S3: asking must not tell which fields exist)."""
        from core.i18n import _

        wanted = tuple(dict.fromkeys(n for n in names if n))
        bad = [n for n in wanted if not self.readable(n)]
        if bad:
            raise Refused({"fields": _("no field you may read is called {names}").format(names=", ".join(bad))})
        return wanted

    def _select_list(self, names=None) -> str:
        """The columns to read: every field's, or only those ``names`` need."""
        wanted = self.fields.values() if names is None else [self.fields[n] for n in names]
        native = [f.name for f in wanted if not f.custom]
        custom = ["custom"] if names is None or any(f.custom for f in wanted) else []
        return ", ".join(quote(n) for n in dict.fromkeys(native + custom))

    async def list(self, req: ListRequest) -> Page:
        """One page of rows matching ``req`` (filters, search, sort, cursor, limit up to 500),
        within the scope of ``req.action``; ``Page.next_cursor`` continues it."""
        plan = self.list_query(req)
        rows = await self.engine.run_querystring(plan.query)
        more = len(rows) > plan.limit
        rows = [self._decode(r) for r in rows[:plan.limit]]
        cursor = None
        if more:
            if plan.keyset:
                last = rows[-1]
                cursor = encode_cursor([last[f.name] for f, _ in plan.order])
            else:
                cursor = encode_cursor([plan.offset + plan.limit])
        if plan.sparse:
            return Page(rows=[{n: r.get(n) for n in plan.sparse} for r in rows], next_cursor=cursor, keyset=plan.keyset)
        return Page(rows=rows if self._reads_every_field else [self._mask(r) for r in rows], next_cursor=cursor, keyset=plan.keyset)

    def list_query(self, req: ListRequest) -> "ListQuery":
        """The SQL :meth:`list` runs for ``req`` (checked as :meth:`list` checks it), and what
        reading its answer needs — apart so a test can ask the engine how it plans it."""
        limit = max(1, min(req.limit, MAX_LIMIT))
        sparse = self.sparse_fields(req.fields)
        extra = self._filters(req.filters) + self._search(req.search)
        where = self._where("restore" if req.trash else _reading(req.action), trash=req.trash, extra=extra)
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
        # A sparse page reads only its own columns and those of the sort (for the cursor).
        columns = self._select_list([*sparse, *(f.name for f, _ in order)] if sparse else None)
        sql = f"SELECT {columns} FROM {quote(self.table)} WHERE {{}} ORDER BY {order_sql} LIMIT {limit + 1}"
        if offset:
            sql += f" OFFSET {offset}"
        return ListQuery(QueryString(sql, where), order, keyset, offset, limit, sparse)

    async def iterate(self, fields: list[str], *, batch: int = 5000, action: str = "read"):
        """Every live row the principal may read, with only ``fields`` (unreadable ones left
        out, ``id`` always in), in id order, ``batch`` rows at a time (an async iterator of lists).

        For readers of a whole table (a duplicate scan, an export, a job): the same
        scope as :meth:`list`, without its sort and search machinery and without
        reading columns nobody asked for — at 1M rows the columns read are most
        of the cost. ``action``: "export" or "report" for those readers (their own scope)."""
        action = _reading(action)
        if self._where(action) is None:
            raise NotFound(self.entity.key)
        wanted = list(dict.fromkeys(["id", *[n for n in fields if self.readable(n)]]))
        native = [n for n in wanted if not self.fields[n].custom]
        columns = ", ".join(quote(n) for n in native + (["custom"] if len(native) < len(wanted) else []))
        last = None
        while True:
            extra = [QueryString('"id" > {}', last)] if last is not None else []
            sql = f"SELECT {columns} FROM {quote(self.table)} WHERE {{}} ORDER BY \"id\" LIMIT {int(batch)}"
            rows = await self.engine.run_querystring(QueryString(sql, self._where(action, extra=extra)))
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

    async def count(self, filters: list[Filter] = (), search: str = "", sort: list[str] = (), *, action: str = "read") -> int:
        """How many rows a list with these filters and search shows. A ``sort``
        is checked like a list's (refused on unknown or unreadable fields),
        so one query string means the same on every channel, then ignored.
        ``action``: "export" or "report" counts what that action reaches."""
        self._order(list(sort))
        rows = await self.engine.run_querystring(self.count_query(filters, search, action=action))
        return int(rows[0]["n"])

    def count_query(self, filters: list[Filter] = (), search: str = "", *, action: str = "read") -> QueryString:
        """The SQL :meth:`count` runs (one row, column ``n``), for :func:`count_each` to run
        several gates' counts in one statement."""
        where = self._where(_reading(action), extra=self._filters(list(filters)) + self._search(search))
        if where is None:
            raise NotFound(self.entity.key)
        return QueryString(f"SELECT count(*) AS n FROM {quote(self.table)} WHERE {{}}", where)

    async def groups(self, by: str, *, period: str | None = None, sums: list[str] | tuple[str, ...] = (),
                     filters: list[Filter] = (), search: str = "", action: str = "read",
                     zone: str | None = None) -> list[Group]:
        """Rows a list with these ``filters`` and ``search`` shows, counted per value of ``by``,
        with the sum of each field of ``sums`` — in one query.

        Returns a list of :class:`~core.permissions.grouping.Group` (value, count, sums).
        ``period`` (one of ``core.permissions.grouping.PERIODS``) groups a date or date-time field by day,
        week, month, quarter or year of the reader's clock (``zone``, default the
        current request's or job's). ``action``: "read" (what a list shows),
        "report" (reports, the API), "export". Refused (``Refused``, 400) when a
        field is unknown, unreadable, not groupable or not summable, or the period
        does not fit; ``NotFound`` without any access. Groups come in order of
        their value, empty last; a value no row has is absent.
        """
        return await self._groups(by, period=period, sums=sums, filters=filters, search=search, action=action, zone=zone)

    def scoped_rows(self, fields: list[str] | tuple[str, ...], *, filters: list[Filter] = (), search: str = "",
                    action: str = "report") -> QueryString:
        """The rows ``action`` reaches (with ``filters`` and ``search``) as a sub-select of ``id`` and
        ``fields``: the source of an aggregate :meth:`groups` cannot express — one that joins a
        plugin's own bookkeeping table to the entity's rows (a deal's stage history), or adds
        up a product of two fields::

            rows = gate.scoped_rows(["owner_id", "stage"], filters=[Filter("pipeline", "eq", pid)])
            sql = 'SELECT d."owner_id", count(*) FROM ({}) AS d JOIN "sales_deal_stage_log" AS l ON l."deal" = d."id" ...'
            await engine.run_querystring(QueryString(sql, rows))

        The scope lives inside the sub-select, so whatever the caller joins to it counts only
        rows the principal's scope for ``action`` reaches (and read's). Each field, filter and
        search is checked as a list's (unknown or unreadable: ``Refused``); a custom field is
        selected by its expression under its own name. ``NotFound`` without any access."""
        wanted = ["id", *[n for n in dict.fromkeys(fields) if n != "id"]]
        specs = [self._field_for_query(name, "read it in a report") for name in wanted]
        where = self._where(_reading(action), extra=self._filters(list(filters)) + self._search(search))
        if where is None:
            raise NotFound(self.entity.key)
        columns = ", ".join(f"{expression(f, self.kind)} AS {quote(f.name)}" for f in specs)
        return QueryString(f"SELECT {columns} FROM {quote(self.table)} WHERE {{}}", where)

    async def totals(self, group: str, total: str | None = None, filters: list[Filter] = (), search: str = "",
                     *, action: str = "read") -> dict[Any, tuple[int, Any]]:
        """:meth:`groups` as ``{value: (count, sum of total)}`` (the sum ``None`` without ``total``):
        the shape older callers read."""
        found = await self.groups(group, sums=[total] if total else [], filters=filters, search=search, action=action)
        return {g.value: (g.count, g.sums[total] if total else None) for g in found}

    async def get(self, record_id: Any, *, action: str = "read", trash: bool = False) -> dict:
        """One row by id, its unreadable fields left out; :class:`NotFound` when it is missing,
        in the trash (unless ``trash``) or outside the principal's ``action`` scope."""
        return self._mask(await self._fetch(record_id, action, trash))

    async def _fetch(self, record_id: Any, action: str, trash: bool = False) -> dict:
        rid = as_uuid(record_id)
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
        if "custom" in row:  # a sparse read may leave it out
            custom = row.pop("custom") or {}
            if isinstance(custom, str):
                custom = json.loads(custom)
            for f in self.custom:
                row[f.name] = from_storage(f, custom.get(f.name))
        for name in self._blank_as_null:
            if row.get(name) == "":
                row[name] = None  # the other half of _native_empty: no value reads as null everywhere
        for name in self._native_money:
            if name in row:
                # SQLite keeps a numeric column as REAL (1234.5): read it back with exactly two
                # places, as PostgreSQL's numeric(14, 2) and custom money fields give.
                row[name] = from_storage(self.fields[name], row[name])
        return row

    @cached_property
    def _native_money(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields.values() if not f.custom and f.type == "money")

    @cached_property
    def _blank_as_null(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields.values() if not f.custom and f.type in TEXT_TYPES)

    def _mask(self, row: dict) -> dict:
        names = self._readable_names
        return {k: v for k, v in row.items() if k in names}

    @cached_property
    def _reads_every_field(self) -> bool:
        """No field of the entity is hidden from this principal (a list's rows, read with the
        fields' own columns only, then need no masking)."""
        return len(self._readable_names) == len(self.fields)

    @cached_property
    def _readable_names(self) -> frozenset[str]:
        # Asked once per gate, not per key of every row: a 500-row page of a
        # 30-field entity made 15k readable() calls, most of a big scan's read.
        return frozenset(n for n in self.fields if self.readable(n))

    # -- writes ---------------------------------------------------------------------

    def _transaction(self):
        return write_transaction(self.engine)

    async def create(self, data: dict) -> dict:
        """Validate and insert a row (typed values or form text); returns it as :meth:`get` would.
        Bad values raise :class:`Invalid` with a message per field; nothing is written."""
        from core.entities.validation import validate

        if self._scope("create") is None:
            raise NotFound(self.entity.key)
        self._check_keys(data, creating=True)
        writable = [f for f in self.fields.values() if f.name not in SYSTEM_FIELDS and not f.readonly]
        clean, errors = validate(writable, data, partial=False)
        # Record checks see the values that passed their field's own check, so
        # one refused form lists every problem at once; an empty value a NOT NULL
        # column cannot hold is refused after them (a check may fill it: a deal's
        # probability empty means its stage's default).
        clean = await self._record_checks(clean, None, errors, nulls=True)
        await self._check_references(clean)
        from core.entities.base import new_id

        now = datetime.now(timezone.utc)
        record_id = new_id()
        native, custom = self._split(clean)
        native.setdefault(self.entity.owner_field, self.principal.user_id)
        # The create (and, for someone else as responsible, the assign) scope is
        # evaluated on the record as it will be: before anything is written.
        await self._check_owner_on_create(native[self.entity.owner_field])
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
            await self.records_written([WrittenRecord(record_id, True, frozenset(k for k, v in clean.items() if v is not None))])
        return await self._written(record_id)

    async def _written(self, record_id: UUID, *, was_readable: bool = True) -> dict:
        """The row just written, masked — also when the write moved it out of the writer's
        read scope (a task given to another department): the write succeeded, so the
        answer says so rather than "not found". Someone who could not read the row
        before (write without read) learns nothing new: only its id and version."""
        try:
            return await self.get(record_id)
        except NotFound:
            rows = await self.engine.run_querystring(
                QueryString(f'SELECT {self._select_list()} FROM {quote(self.table)} WHERE "id" = {{}}', record_id))
            if not rows:
                raise
            row = self._decode(rows[0])
            return self._mask(row) if was_readable else {"id": row["id"], "version": row["version"]}

    async def update(self, record_id: Any, data: dict, version: int | None) -> dict:
        """Change the given fields of a row the principal may write. ``version`` is the one
        the writer read: a stale one raises :class:`Conflict` and changes nothing."""
        from core.entities.validation import validate

        self._check_keys(data, creating=False)
        if version is None:
            raise Refused({"version": "send the version you edited (optimistic locking)"})
        writable = [f for f in self.fields.values() if f.name in data]
        clean, errors = validate(writable, data, partial=True)
        if errors:
            raise Invalid({**self._null_errors(clean), **errors})
        await self._check_references(clean)
        owner = self.entity.owner_field
        async with self._transaction():
            current = await self._fetch(record_id, "write")
            if current["version"] != version:
                raise Conflict(self._mask(current), self._changed_since(current, data, version))
            clean = await self._record_checks(clean, current, nulls=True)
            changes = {k: v for k, v in clean.items() if current.get(k) != v}
            if not changes:
                return self._mask(current)
            # Reassigning: the assign scope bounds which records (checked on the
            # record as stored); the new responsible may be any active user.
            actions = ("write", "assign") if owner in changes else ("write",)
            if owner in changes:
                reassignable = self._where(actions, extra=[QueryString('"id" = {}', current["id"])])
                if reassignable is None or not await self._exists(reassignable):
                    raise Refused({owner: "you may not reassign this record"})
                await self._check_active_user(changes[owner])
            was_readable = True  # scopes are by owner: only a new owner can take a row out of sight
            if owner in changes:
                readable = self._where("read", extra=[QueryString('"id" = {}', current["id"])])
                was_readable = readable is not None and await self._exists(readable)
            merged = {**current, **clean}
            native, custom = self._split(changes)
            assignments = {**native, "custom": json.dumps({**(await self._raw_custom(current["id"])), **custom})}
            assignments.update(
                updated_at=datetime.now(timezone.utc), updated_by=self.principal.user_id, search_text=self._search_text(merged)
            )
            sets = ", ".join(f"{quote(k)} = {{}}" for k in assignments)
            # The scope is part of the UPDATE itself, not only of the read before it:
            # check and write are one statement, whatever another process does meanwhile.
            scoped = self._where(actions, extra=[QueryString('"id" = {} AND "version" = {}', current["id"], version)])
            sql = f'UPDATE {quote(self.table)} SET {sets}, "version" = "version" + 1 WHERE {{}} RETURNING "id"'
            await self._check_unique(changes, current["id"])  # before the write, as in create
            done = await self.engine.run_querystring(QueryString(sql, *assignments.values(), scoped))
            if not done:
                latest = await self._fetch(record_id, "read")
                if latest["version"] == version:
                    raise NotFound(str(record_id))
                raise Conflict(self._mask(latest), self._changed_since(latest, data, version))
            await record_changes(self.principal, self.entity.key, current["id"], "update", {k: current.get(k) for k in changes}, changes)
            await self.records_written([WrittenRecord(current["id"], False, frozenset(changes))])
        return await self._written(current["id"], was_readable=was_readable)

    async def records_written(self, writes: list[WrittenRecord]) -> None:
        """Plugins' reactions to stored rows (the ``on_records_written`` hook), inside the
        caller's transaction: derived columns and bookkeeping rows commit with the write."""
        import inspect

        if not writes:
            return
        for result in self.kernel.hook.on_records_written(kernel=self.kernel, entity=self.entity, writes=list(writes),
                                                          principal=self.principal):
            if inspect.isawaitable(result):
                await result

    async def _exists(self, where: QueryString) -> bool:
        return bool(await self.engine.run_querystring(QueryString(f"SELECT 1 AS x FROM {quote(self.table)} WHERE {{}}", where)))

    async def _record_checks(self, clean: dict, current: dict | None, errors: dict | None = None, *, nulls: bool = False) -> dict:
        """Plugins' record-level checks (the ``record_checks`` hook): normalised values or a refusal.

        Only keys already being written may be replaced, so a hook can never
        slip in a field the principal was not allowed to send. ``nulls``: also refuse
        empty values NOT NULL columns cannot hold, as the hooks left them."""
        import inspect

        errors = dict(errors or {})
        for result in self.kernel.hook.record_checks(kernel=self.kernel, entity=self.entity, values=dict(clean),
                                                   current=current, principal=self.principal):
            result = await result if inspect.isawaitable(result) else result
            if not result:
                continue
            errors.update({k: v for k, v in (result.get("errors") or {}).items() if k not in errors})
            clean.update({k: v for k, v in (result.get("values") or {}).items() if k in clean})
        if nulls:
            errors = {**self._null_errors(clean), **errors}
        if errors:
            raise Invalid(errors)
        return clean

    # -- bulk writes (core.dataio's import) -------------------------------------------
    # The import writes set-based SQL, not one create()/update() per row, but
    # with the gate's own rules: these expose them so they are not copied.

    def scope_where(self, action: str, *, extra: list[QueryString] = ()) -> QueryString | None:
        """The WHERE fragment (scope, live rows) for ``action``; None: no access at all."""
        return self._where(action, extra=list(extra))

    def owner_scope(self, action: str) -> QueryString | None:
        """The scope of ``action`` alone, on an unqualified owner column (a staged row's,
        for a record not stored yet); None: no access at all."""
        return self._scope(action)

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


async def count_each(queries: list[QueryString]) -> list[int]:
    """The counts of several :meth:`Gate.count_query` s (of any entities), in their order, in one
    statement: one round trip instead of one per count (the home page counts every entity)."""
    if not queries:
        return []
    parts = " UNION ALL ".join(f"SELECT {i} AS i, c{i}.n AS n FROM ({{}}) AS c{i}" for i in range(len(queries)))
    rows = await get_engine().run_querystring(QueryString(parts, *queries))
    counts = {int(r["i"]): int(r["n"]) for r in rows}
    return [counts[i] for i in range(len(queries))]


async def active_custom_fields(key: str, stamp: int | None = None) -> list[Field]:
    """The entity's active custom fields, as of ``stamp`` (the request's principal's) or later."""
    from core.custom_fields.definitions import list_fields

    return await list_fields(key, stamp=stamp)


def _reading(action: str) -> str:
    from core.permissions.clauses import READING_ACTIONS

    if action not in READING_ACTIONS:
        raise ValueError(f"a read is one of {', '.join(READING_ACTIONS)}, not {action!r}")
    return action

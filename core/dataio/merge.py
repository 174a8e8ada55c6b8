"""One import batch: staging table, set-based SQL, checkpoint — one transaction.

No per-row ORM call: the batch's prepared rows go into a temporary staging
table with the engine's bulk path (``executemany`` on SQLite, ``COPY`` via
asyncpg's ``copy_records_to_table`` on PostgreSQL), then a fixed number of
set-based statements decide and apply everything:

1. keys (and values of unique fields) are recorded in ``core_dataio_seen``;
   a row whose key an earlier line of the same file already used is rejected
   (a re-run must change nothing, so the file cannot say two things about one
   record);
2. the upsert key finds the live record (a unique field's own index, or the
   external-key table); a found record outside the principal's ``write``
   scope, or a new one without ``create``, is rejected — the gate's scope
   SQL, not a copy of it;
3. unique fields are checked against other live records, as the gate does;
4. each remaining row is marked create, update (some mapped value differs)
   or unchanged — so a re-run updates nothing and bumps no version;
5. unless it is a dry run: audit rows, ``UPDATE ... FROM`` the staging table,
   ``INSERT ... SELECT`` the new rows, external keys; the search index's
   triggers (SQLite) or GIN index (PostgreSQL) follow by themselves;
6. rejected rows and the run's checkpoint (``next_line``, counters) are
   written — conditional on the checkpoint the batch started from, so two
   workers can never both apply one batch.

The transaction commits all of it or nothing: a kill -9 anywhere leaves the
previous checkpoint and no trace of the batch (R1).

Audit: one ``core_audit_change`` row per created or updated record (action
``import``, the imported values and, for an update, the previous ones as JSON
objects), written by one ``INSERT ... SELECT`` per batch. The gate's one row
per field would multiply a million-row import by its column count; a row per
record keeps every record's history complete (who imported what, when, from
which run) at the cost of one row per record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from uuid import UUID

from piccolo.querystring import QueryString

from core.custom_fields.sql import field_sql
from core.dataio.mapping import EXTERNAL_KEY
from core.dataio.matching import MATCH_FIELD, Ambiguous, Matcher, composite_keys, usable
from core.dataio.rows import Prepared, Rejection, RowPlan
from core.db.engine import write_transaction
from core.entities.base import new_id, new_id_text
from core.entities.sql import quote
from core.i18n import _

STAGE = "klientela_import_stage"
UNIQUE_STAGE = "klientela_import_unique"
FIXED = ("line", "skey", "id", "rid", "aid", "err", "op")
OPS = {"c": "created", "u": "updated", "n": "unchanged", "s": "skipped"}


class StaleCheckpoint(RuntimeError):
    """Another worker moved this run's checkpoint meanwhile: this batch is not ours to apply."""


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    rejected: int = 0
    ambiguous: int = 0  # of the rejected: rows that match several records, or only by name
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return self.created + self.updated + self.unchanged + self.skipped


class Merge:
    def __init__(self, gate, plan: RowPlan, run_id: UUID, *, dry_run: bool, on_match: str = "update", rules=()):
        """``rules``: the entity's match rules (``matching.match_rules``); ``on_match``: what a
        row matched to a stored record does — ``update`` it, ``skip`` it, or ``create`` a new
        record anyway (then only the upsert key matches)."""
        self.gate, self.plan, self.run_id, self.dry_run = gate, plan, run_id, dry_run
        self.on_match = on_match
        self.engine = gate.engine
        self.kind = gate.kind
        self.pg = self.kind == "postgres"
        self.table = gate.table
        self.stage, self.quoted_table = STAGE, quote(gate.table)
        self.key_rule = composite_keys(list(rules)).get(plan.key) if plan.key_fields else None
        mapped = {f.name for f in plan.fields}
        self.matcher = Matcher(self, usable(list(rules), mapped) if on_match != "create" else [])
        self.ambiguous: dict[int, Ambiguous] = {}
        self.natives = [f.name for f in plan.fields if not f.custom]
        self.customs = [f for f in plan.fields if f.custom]
        self.columns = {c._meta.db_column_name: c for c in gate.entity.table._meta.columns}
        native_defaults, custom_defaults = gate.storage_values(plan.defaults)
        owner = gate.entity.owner_field
        if owner not in self.natives and owner in self.columns:
            native_defaults.setdefault(owner, gate.principal.user_id)
        self.native_defaults = {k: v for k, v in native_defaults.items() if k not in self.natives}
        self.custom_defaults = json.dumps(custom_defaults)

    async def refresh_statistics(self) -> None:
        """PostgreSQL: ANALYZE the entity's table once as a run starts (a sample: ~0.1 s on 1M rows).

        Right after a large import the planner's row estimate of the table is stale (a
        table filled minutes ago still looks empty); the next run's batches, whose staged
        rows now find records, then get nested loops over the whole table — measured 13 s
        a 5,000-row batch instead of 25 ms."""
        if self.pg:
            await self._sql(f"ANALYZE {quote(self.table)}")

    # -- SQL pieces --------------------------------------------------------------------

    def _p(self, column: str) -> str:
        """A parameter placeholder for ``column`` (typed on PostgreSQL: INSERT ... SELECT cannot infer it)."""
        if not self.pg:
            return "{}"
        col = self.columns.get(column)
        kind = col.column_type if col is not None else "TEXT"
        return f"CAST({{}} AS {kind})"

    @property
    def uuid_type(self) -> str:
        return "uuid" if self.pg else "TEXT"

    async def temp_table(self, name: str, definition: str) -> None:
        """A scratch table of this batch's transaction; ``definition`` is ``(columns)`` or
        ``AS SELECT ...``. PostgreSQL drops it at commit; on SQLite ``apply`` drops it at the
        batch's end, and one left by a failed batch is replaced here."""
        await self._sql(f'DROP TABLE IF EXISTS {"" if self.pg else "temp."}"{name}"')
        commit = " ON COMMIT DROP" if self.pg else ""
        if definition.startswith("("):
            await self._sql(f'CREATE TEMP TABLE "{name}" {definition}{commit}')
        else:
            await self._sql(f'CREATE TEMP TABLE "{name}"{commit} {definition}')

    @property
    def _run_param(self) -> str:
        """The run id as a parameter in a SELECT list (typed on PostgreSQL)."""
        return "CAST({} AS uuid)" if self.pg else "{}"

    def _uuid(self, value):
        return value if self.pg or value is None else str(value)

    def _distinct(self, a: str, b: str) -> str:
        return f"{a} IS DISTINCT FROM {b}" if self.pg else f"{a} IS NOT {b}"

    def _not_distinct(self, a: str, b: str) -> str:
        return f"{a} IS NOT DISTINCT FROM {b}" if self.pg else f"{a} IS {b}"

    def _custom_value(self, alias: str, f) -> str:
        """A custom value as comparable text: ``->>`` (PostgreSQL) or ``json_extract`` (SQLite)."""
        return f"({alias}.\"custom\"->>'{f.name}')" if self.pg else f"json_extract({alias}.\"custom\", '$.{f.name}')"

    def _changed(self) -> str:
        parts = [self._distinct(f't.{quote(n)}', f's.{quote(n)}') for n in self.natives]
        parts += [self._distinct(self._custom_value("t", f), self._custom_value("s", f)) for f in self.customs]
        return " OR ".join(parts) or "1 = 0"

    def _json_object(self, alias: str, with_custom: bool) -> str:
        pairs = [f"'{n}', {alias}.{quote(n)}" for n in self.natives]
        if self.pg:
            if with_custom:
                return f"(jsonb_build_object({', '.join(pairs)}) || {alias}.\"custom\")::text"
            pairs += [f"'{f.name}', {alias}.\"custom\"->'{f.name}'" for f in self.customs]
            return f"jsonb_build_object({', '.join(pairs)})::text"
        if with_custom:
            return f"json_patch(json_object({', '.join(pairs)}), {alias}.\"custom\")"
        pairs += [f"'{f.name}', json_extract({alias}.\"custom\", '$.{f.name}')" for f in self.customs]
        return f"json_object({', '.join(pairs)})"

    def _key_match(self) -> str:
        """SQL: the live record holding the staged row's key (or NULL)."""
        table = quote(self.table)
        if self.plan.key == EXTERNAL_KEY:
            return (f'(SELECT x."record_id" FROM "core_dataio_xkey" x JOIN {table} t ON t."id" = x."record_id" '
                    f'WHERE x."entity" = {{}} AND x."key" = s."skey" AND t."deleted_at" IS NULL LIMIT 1)')
        spec = self.plan.key_field
        left = field_sql(spec, self.kind, "t")
        right = field_sql(spec, self.kind, "s") if spec.custom else f"s.{quote(spec.name)}"
        return f'(SELECT t."id" FROM {table} t WHERE {left} = {right} AND t."deleted_at" IS NULL LIMIT 1)'

    async def _sql(self, sql: str, *params):
        return await self.engine.run_querystring(QueryString(sql, *params))

    # -- the batch ---------------------------------------------------------------------------

    async def apply(self, prepared: list[Prepared], rejected: list[Rejection], *, expected_line: int, next_line: int) -> Counts:
        """Stage, decide and (unless a dry run) apply one batch; record its rejects and checkpoint."""
        tx = write_transaction(self.engine)
        async with tx:
            conn = tx.connection
            counts = Counts()
            if prepared:
                await self._stage(conn, prepared)
                await self._seen(conn, prepared)
                await self._match()
                await self._one_row_per_record()
                await self._permissions()
                await self._unique_in_db()
                await self.matcher.within_file(self._run_param, self._uuid(self.run_id))
                await self._decide()
                for row in await self._sql(f'SELECT "op", count(*) AS n FROM "{STAGE}" WHERE "err" IS NULL GROUP BY "op"'):
                    setattr(counts, OPS[row["op"]], int(row["n"]))
                self.ambiguous = {a.line: a for a in await self.matcher.ambiguous()}
                counts.ambiguous = len(self.ambiguous)
                rejected = rejected + await self._sql_rejections(prepared)
                if not self.dry_run:
                    await self._write()
                    await self._written()
            counts.rejections = rejected
            counts.rejected = len({r.line for r in rejected})
            await self._record_rejects(conn, rejected)
            await self._checkpoint(counts, expected_line, next_line)
            if prepared and not self.pg:
                await self._sql(f'DROP TABLE IF EXISTS temp."{STAGE}"')
                await self._sql(f'DROP TABLE IF EXISTS temp."{UNIQUE_STAGE}"')
                await self.matcher.drop()
        return counts

    async def _stage(self, conn, prepared: list[Prepared]) -> None:
        table = quote(self.table)
        natives = "".join(f", {quote(n)}" for n in self.natives)
        head = (f'CAST(0 AS INTEGER) AS "line", CAST(\'\' AS TEXT) AS "skey", "id", "id" AS "rid", "id" AS "aid", '
                f'CAST(NULL AS TEXT) AS "err", CAST(NULL AS TEXT) AS "op"')
        empty = "WITH NO DATA" if self.pg else "WHERE 0"
        await self.temp_table(STAGE, f'AS SELECT {head}{natives}, "custom", "search_text" FROM {table} {empty}')
        columns = [*FIXED, *self.natives, "custom", "search_text"]
        records = []
        for p in prepared:
            records.append((p.line, p.key, new_id_text(), None, new_id_text(), None, None,
                            *(p.native.get(n) for n in self.natives), json.dumps(p.custom), p.search_text))
        if self.pg:
            await conn.copy_records_to_table(STAGE, records=records, columns=columns)
        else:
            marks = ", ".join("?" for _ in columns)
            await conn.executemany(f'INSERT INTO temp."{STAGE}" ({", ".join(quote(c) for c in columns)}) VALUES ({marks})', records)

    async def _seen(self, conn, prepared: list[Prepared]) -> None:
        """Keys and unique values already used by an earlier line of this file: reject the later rows."""
        run = self._uuid(self.run_id)
        entries = []
        if self.plan.key:
            entries += [(run, "k:" + p.key, p.line) for p in prepared]
        entries += [(run, f"u:{name}:{value}", p.line) for p in prepared for name, value in p.unique.items()]
        if not entries:
            return
        await self.temp_table(UNIQUE_STAGE, f'("run_id" {self.uuid_type}, "key" TEXT, "line" INTEGER)')
        if self.pg:
            await conn.copy_records_to_table(UNIQUE_STAGE, records=entries, columns=["run_id", "key", "line"])
        else:
            await conn.executemany(f'INSERT INTO temp."{UNIQUE_STAGE}" VALUES (?, ?, ?)', entries)
        await self._sql(f'INSERT INTO "core_dataio_seen" ("run_id", "key", "line") SELECT "run_id", "key", min("line") '
                        f'FROM "{UNIQUE_STAGE}" WHERE 1 = 1 GROUP BY "run_id", "key" ON CONFLICT DO NOTHING')
        clashes = await self._sql(
            f'SELECT u."line" AS line, u."key" AS key, min(s."line") AS first FROM "{UNIQUE_STAGE}" u '
            f'JOIN "core_dataio_seen" s ON s."run_id" = u."run_id" AND s."key" = u."key" AND s."line" < u."line" '
            f'GROUP BY u."line", u."key"')
        for clash in clashes:
            key = clash["key"]
            if key.startswith("k:"):
                err = "dup:" + str(clash["first"])
            else:
                err = f"udup:{key.split(':', 2)[1]}:{clash['first']}"
            await self._sql(f'UPDATE "{STAGE}" SET "err" = {{}} WHERE "line" = {{}} AND "err" IS NULL', err, clash["line"])

    async def _match(self) -> None:
        """The upsert key first (the user's choice of identity), then the entity's match rules
        for the rows the key did not place (unless the run creates anyway)."""
        if self.key_rule is not None:
            await self.matcher.by_key(self.key_rule)
        elif self.plan.key:
            params = (self.gate.entity.key,) if self.plan.key == EXTERNAL_KEY else ()
            await self._sql(f'UPDATE "{STAGE}" AS s SET "rid" = {self._key_match()} WHERE s."err" IS NULL', *params)
        await self.matcher.by_rules()

    async def _one_row_per_record(self) -> None:
        """Two rows of one file matched to one record: the later one is rejected (the file
        cannot say two things about one record), across batches too (``core_dataio_seen``)."""
        run = self._uuid(self.run_id)
        rid = 'CAST(s."rid" AS TEXT)' if self.pg else 's."rid"'
        await self._sql(
            f'INSERT INTO "core_dataio_seen" ("run_id", "key", "line") SELECT {self._run_param}, \'r:\' || {rid}, min(s."line") '
            f'FROM "{STAGE}" s WHERE s."err" IS NULL AND s."rid" IS NOT NULL GROUP BY s."rid" ON CONFLICT DO NOTHING', run)
        await self._sql(
            f'UPDATE "{STAGE}" AS s SET "err" = \'rdup:\' || CAST(x."line" AS TEXT) FROM "core_dataio_seen" x '
            f'WHERE x."run_id" = {{}} AND x."key" = \'r:\' || {rid} AND x."line" < s."line" '
            f'AND s."err" IS NULL AND s."rid" IS NOT NULL', run)

    async def _permissions(self) -> None:
        # Existing records: the import scope bounds them as well as the write scope.
        write = self.gate.scope_where(("write", "import"))
        if self.on_match == "skip":
            pass  # a matched row changes nothing: no write scope needed
        elif write is None:
            await self._sql(f'UPDATE "{STAGE}" SET "err" = \'nowrite\' WHERE "err" IS NULL AND "rid" IS NOT NULL')
        else:
            await self._sql(f'UPDATE "{STAGE}" AS s SET "err" = \'scope\' WHERE s."err" IS NULL AND s."rid" IS NOT NULL '
                            f'AND NOT EXISTS (SELECT 1 FROM {quote(self.table)} WHERE "id" = s."rid" AND {{}})', write)
        if self.gate.scope_where("create") is None:
            await self._sql(f'UPDATE "{STAGE}" SET "err" = \'nocreate\' WHERE "err" IS NULL AND "rid" IS NULL')
        elif self.plan.missing_required:
            await self._sql(f'UPDATE "{STAGE}" SET "err" = \'required\' WHERE "err" IS NULL AND "rid" IS NULL')
        await self._assignments()

    async def _assignments(self) -> None:
        """A file that names the responsible user: as on the record screens, moving a stored
        record to someone else needs the assign scope on it, and a new record for someone
        else the assign and create scopes on the record as it will be."""
        owner = self.gate.entity.owner_field
        if owner not in self.natives:
            return
        me, col = self._uuid(self.gate.principal.user_id), quote(owner)
        assign = self.gate.scope_where("assign")
        if assign is None:
            await self._sql(f'UPDATE "{STAGE}" SET "err" = \'assign\' WHERE "err" IS NULL AND {col} IS NOT NULL AND {col} <> {{}}', me)
            return
        if self.on_match != "skip":  # a skipped row's record keeps its responsible user
            await self._sql(
                f'UPDATE "{STAGE}" AS s SET "err" = \'assign\' WHERE s."err" IS NULL AND s."rid" IS NOT NULL '
                f'AND EXISTS (SELECT 1 FROM {quote(self.table)} t WHERE t."id" = s."rid" AND {self._distinct(f"t.{col}", f"s.{col}")}) '
                f'AND NOT EXISTS (SELECT 1 FROM {quote(self.table)} WHERE "id" = s."rid" AND {{}})', assign)
        reach = [self.gate.owner_scope("assign"), self.gate.owner_scope("create")]
        if any(r is None for r in reach):  # (not "None in": a QueryString's == builds SQL)
            return  # no create at all: the new rows were refused above
        await self._sql(
            f'UPDATE "{STAGE}" SET "err" = \'assign\' WHERE "err" IS NULL AND "rid" IS NULL AND {col} IS NOT NULL '
            f'AND {col} <> {{}} AND NOT ({{}} AND {{}})', me, *reach)

    async def _unique_in_db(self) -> None:
        for spec in self.plan.unique_fields:
            left = field_sql(spec, self.kind, "t")
            right = field_sql(spec, self.kind, "s") if spec.custom else f"s.{quote(spec.name)}"
            empty = f"{right} IS NOT NULL" + ("" if spec.custom else f" AND {right} <> ''")
            await self._sql(
                f'UPDATE "{STAGE}" AS s SET "err" = {{}} WHERE s."err" IS NULL AND {empty} AND EXISTS ('
                f'SELECT 1 FROM {quote(self.table)} t WHERE {left} = {right} AND t."deleted_at" IS NULL '
                f'AND t."id" <> COALESCE(s."rid", s."id"))', f"unique:{spec.name}")

    async def _decide(self) -> None:
        await self._sql(f'UPDATE "{STAGE}" SET "op" = \'c\' WHERE "err" IS NULL AND "rid" IS NULL')
        if self.on_match == "skip":
            await self._sql(f'UPDATE "{STAGE}" SET "op" = \'s\' WHERE "err" IS NULL AND "rid" IS NOT NULL')
            return
        await self._sql(
            f'UPDATE "{STAGE}" AS s SET "op" = CASE WHEN EXISTS (SELECT 1 FROM {quote(self.table)} t '
            f'WHERE t."id" = s."rid" AND ({self._changed()})) THEN \'u\' ELSE \'n\' END '
            f'WHERE s."err" IS NULL AND s."rid" IS NOT NULL')

    async def _sql_rejections(self, prepared: list[Prepared]) -> list[Rejection]:
        rows = {p.line: p.row for p in prepared}
        out = []
        for r in await self._sql(f'SELECT "line", "err" FROM "{STAGE}" WHERE "err" IS NOT NULL ORDER BY "line"'):
            name, reason = self._explain(r["err"], int(r["line"]))
            out.append(Rejection(int(r["line"]), name, reason, rows.get(int(r["line"]), [])))
        return out

    def _explain(self, err: str, line: int) -> tuple[str, str]:
        plan = self.plan
        key = plan.key_field.name if plan.key_field else (plan.header[plan.key_column] if plan.key_column is not None else plan.key)
        if err in ("amb", "weak"):
            found = self.ambiguous.get(line)
            return MATCH_FIELD, found.reason() if found else ""
        if err.startswith("rdup:"):
            return "", _("Line {line} of this file already stands for the same record.").format(line=err[5:])
        if err.startswith("dup:"):
            return key, _("The same key is already on line {line} of this file.").format(line=err[4:])
        if err.startswith("udup:"):
            _tag, name, line = err.split(":", 2)
            return name, _("The same value is already on line {line} of this file.").format(line=line)
        if err.startswith("unique:"):
            return err[7:], _("This value is already used by another record.")
        if err == "scope":
            return key, _("A record with this key exists, but you may not change it.")
        if err == "nowrite":
            return key, _("A record with this key exists, and you may not change records.")
        if err == "assign":
            return self.gate.entity.owner_field, _("You may not make this user responsible for this record.")
        if err == "nocreate":
            return "", _("You may not create records.")
        if err == "required":
            names = ", ".join(self.plan.missing_required)
            return names, _("A new record needs {names}, which the file does not have.").format(names=names)
        return "", err

    async def _written(self) -> None:
        """Plugins' ``on_records_written`` for the batch's created and updated records, in
        this transaction (a deal's stage log and derived status follow an import too)."""
        from core.entities.ids import as_uuid
        from core.hooks.contributions import WrittenRecord

        rows = await self._sql(f'SELECT s."id" AS id, s."rid" AS rid, s."op" AS op FROM "{STAGE}" s '
                               f'WHERE s."err" IS NULL AND s."op" IN (\'c\', \'u\')')
        mapped = frozenset(self.natives) | frozenset(f.name for f in self.customs)
        await self.gate.records_written([
            WrittenRecord(as_uuid(r["id"] if r["op"] == "c" else r["rid"]), r["op"] == "c", mapped) for r in rows])

    async def _write(self) -> None:
        p = self.gate.principal
        now = datetime.now(timezone.utc)
        table = quote(self.table)
        entity = self.gate.entity.key
        audit = ('INSERT INTO "core_audit_change" ("id", "at", "actor_id", "via", "ip", "entity", "record_id", "action", '
                 '"field", "old_value", "new_value") ')
        # Updates: audit first (it reads the old values), then the rows.
        await self._sql(
            audit + f"SELECT s.\"aid\", {self._p('created_at')}, {self._p('created_by')}, {{}}, {{}}, {{}}, s.\"rid\", 'import', '', "
            f"{self._json_object('t', False)}, {self._json_object('s', True)} "
            f'FROM "{STAGE}" s JOIN {table} t ON t."id" = s."rid" WHERE s."op" = \'u\'',
            now, p.user_id, p.via, p.ip or "", entity)
        await self._touched()
        sets = [f"{quote(n)} = s.{quote(n)}" for n in self.natives]
        if self.customs:
            merge = 't."custom" || s."custom"' if self.pg else 'json_patch(t."custom", s."custom")'
            sets.append(f'"custom" = {merge}')
        if self.plan.search_complete:
            sets.append('"search_text" = s."search_text"')
        sets += ['"version" = t."version" + 1', f"\"updated_at\" = {self._p('updated_at')}", f"\"updated_by\" = {self._p('updated_by')}"]
        await self._sql(f'UPDATE {table} AS t SET {", ".join(sets)} FROM "{STAGE}" s WHERE t."id" = s."rid" AND s."op" = \'u\'',
                        now, p.user_id)
        if not self.plan.search_complete:
            await self._refresh_search_text()
        # Creates.
        defaults = list(self.native_defaults)
        columns = ["id", "created_at", "updated_at", "created_by", "updated_by", "version", *self.natives, *defaults,
                   "custom", "search_text"]
        custom = f"(CAST({{}} AS JSONB) || s.\"custom\")" if self.pg else "json_patch({}, s.\"custom\")"
        select = ["s.\"id\"", self._p("created_at"), self._p("updated_at"), self._p("created_by"), self._p("updated_by"), "1",
                  *(f"s.{quote(n)}" for n in self.natives), *(self._p(n) for n in defaults), custom, 's."search_text"']
        await self._sql(
            f'INSERT INTO {table} ({", ".join(quote(c) for c in columns)}) SELECT {", ".join(select)} '
            f'FROM "{STAGE}" s WHERE s."op" = \'c\'',
            now, now, p.user_id, p.user_id, *self.native_defaults.values(), self.custom_defaults)
        await self._sql(
            audit + f"SELECT s.\"aid\", {self._p('created_at')}, {self._p('created_by')}, {{}}, {{}}, {{}}, s.\"id\", 'import', '', "
            f"NULL, {self._json_object('s', True)} FROM \"{STAGE}\" s WHERE s.\"op\" = 'c'",
            now, p.user_id, p.via, p.ip or "", entity)
        if self.plan.key == EXTERNAL_KEY:
            # New records, and stored ones the match rules found: the next run finds them by the key.
            await self._sql(
                f'INSERT INTO "core_dataio_xkey" ("entity", "key", "record_id") SELECT {{}}, s."skey", COALESCE(s."rid", s."id") '
                f'FROM "{STAGE}" s WHERE s."op" IS NOT NULL AND s."err" IS NULL '
                f'ON CONFLICT ("entity", "key") DO UPDATE SET "record_id" = excluded."record_id"',
                entity)

    async def _touched(self) -> None:
        """What an undo of this run needs (``core_dataio_touched``): the records it creates, and
        the previous values of those it updates with the version the update leaves. Read before
        the batch's UPDATE, one ``INSERT ... SELECT``."""
        table = quote(self.table)
        pairs = ", ".join(f"'{n}', t.{quote(n)}" for n in self.natives)
        old = f"jsonb_build_object({pairs})::text" if self.pg else f"json_object({pairs})"
        custom = 't."custom"::text' if self.pg else 't."custom"'
        into = ('INSERT INTO "core_dataio_touched" ("run_id", "record_id", "op", "version", "old_values", "old_custom", '
                '"old_search") ')
        run = self._uuid(self.run_id)
        await self._sql(
            into + f'SELECT {self._run_param}, s."rid", \'u\', t."version" + 1, {old}, {custom}, t."search_text" '
            f'FROM "{STAGE}" s JOIN {table} t ON t."id" = s."rid" WHERE s."op" = \'u\' '
            f'ON CONFLICT ("run_id", "record_id") DO UPDATE SET "version" = excluded."version"', run)
        await self._sql(into + f'SELECT {self._run_param}, s."id", \'c\', 1, NULL, NULL, NULL FROM "{STAGE}" s WHERE s."op" = \'c\'', run)

    async def _refresh_search_text(self) -> None:
        """The mapping left out some search fields: recompute ``search_text`` of the updated rows
        from their stored values (the gate's own function), one executemany for the batch."""
        names = list(self.gate.entity.search_fields)
        cols = ", ".join(f"t.{quote(n)}" for n in names)
        rows = await self._sql(f'SELECT t."id" AS id, {cols} FROM {quote(self.table)} t JOIN "{STAGE}" s ON s."rid" = t."id" '
                               f'WHERE s."op" = \'u\'')
        for row in rows:
            text = self.gate.search_text(dict(row))
            await self._sql(f'UPDATE {quote(self.table)} SET "search_text" = {{}} WHERE "id" = {{}}', text, row["id"])

    async def _record_rejects(self, conn, rejected: list[Rejection]) -> None:
        if not rejected:
            return
        run = self._uuid(self.run_id)
        records = [(self._uuid(new_id()), run, r.line, r.field[:300], r.reason.replace("\x00", "\u2400"),
                    json.dumps(r.row, ensure_ascii=False, default=str))
                   for r in rejected]
        columns = ["id", "run_id", "line", "field", "reason", "row"]
        if self.pg:
            await conn.copy_records_to_table("core_dataio_reject", records=records, columns=columns)
        else:
            await conn.executemany(f'INSERT INTO "core_dataio_reject" ({", ".join(quote(c) for c in columns)}) '
                                   f'VALUES (?, ?, ?, ?, ?, ?)', records)

    async def _checkpoint(self, counts: Counts, expected_line: int, next_line: int) -> None:
        done = await self._sql(
            'UPDATE "core_dataio_run" SET "next_line" = {}, "created" = "created" + {}, "updated" = "updated" + {}, '
            '"unchanged" = "unchanged" + {}, "skipped" = "skipped" + {}, "rejected" = "rejected" + {}, '
            '"ambiguous" = "ambiguous" + {} WHERE "id" = {} AND "next_line" = {} RETURNING "id"',
            next_line, counts.created, counts.updated, counts.unchanged, counts.skipped, counts.rejected, counts.ambiguous,
            self.run_id, expected_line)
        if not done:
            raise StaleCheckpoint(f"import run {self.run_id}: the checkpoint moved past line {expected_line}")

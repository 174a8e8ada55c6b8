"""Undo an import run: its new records to the trash, its updates put back.

The run left, per record it touched, what it did (``core_dataio_touched``):
created, or updated from these previous values, and the version it left the
record at. An undo is honest only while nothing has changed those records
since — a version that moved (an edit, a later import, a merge, a delete)
means someone relies on the record as it is now. So the undo is all or
nothing: it checks every record first and, if any moved or lies outside
what the user may delete (new records) or write (updated ones), refuses with
the reason, naming the records it can show (by title, through the gate).

Set-based like the import: one ``UPDATE`` trashes the new records, one
``UPDATE ... FROM`` puts the previous values back, relations trashed with
their parent (as the gate's delete does), audit rows per record, all in one
transaction with the run marked ``undone``.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from piccolo.querystring import QueryString

from core.db.engine import write_transaction
from core.entities.base import new_id
from core.entities.sql import quote
from core.i18n import _, ngettext
from core.permissions.gate import Gate

TOUCHED = "core_dataio_touched"
NAMES_SHOWN = 5
AUDIT = ('INSERT INTO "core_audit_change" ("id", "at", "actor_id", "via", "ip", "entity", "record_id", "action", "field", '
         '"old_value", "new_value") VALUES ')
AUDIT_CHUNK = 500


class UndoRefused(ValueError):
    """The run cannot be undone; the message says why, for the user."""


async def undo_info(run: dict) -> dict:
    """How many records the run created and updated (what an undo would take back)."""
    from core.db.engine import get_engine

    rows = await get_engine().run_querystring(QueryString(
        f'SELECT "op", count(*) AS n FROM "{TOUCHED}" WHERE "run_id" = {{}} GROUP BY "op"', run["id"]))
    counts = {r["op"]: int(r["n"]) for r in rows}
    return {"created": counts.get("c", 0), "updated": counts.get("u", 0)}


def can_undo(run: dict) -> bool:
    return (not run["dry_run"] and run["undone_at"] is None and run["status"] not in ("waiting", "running", "draft")
            and run["created"] + run["updated"] > 0)


async def undo_run(kernel, run_id, principal) -> dict:
    """Undo the run (the principal's own) or raise :class:`UndoRefused`; returns the counts undone."""
    from core.dataio.importer import get_run
    from core.dataio.tables import ImportRun

    run = await get_run(run_id, principal)
    if run["dry_run"]:
        raise UndoRefused(_("A dry run changed nothing; there is nothing to undo."))
    if run["undone_at"] is not None:
        raise UndoRefused(_("This import was already undone."))
    if run["status"] in ("waiting", "running"):
        raise UndoRefused(_("This import is still running; cancel it or wait until it ends."))
    gate = await Gate.open(kernel, run["entity"], principal)
    undo = _Undo(gate, run["id"])
    async with write_transaction(gate.engine):
        await undo.check()
        created = await undo.trash_created()
        updated = await undo.put_back_updated()
        await undo.announce_put_back()
        await ImportRun.update({ImportRun.undone_at: datetime.now(timezone.utc), ImportRun.status: "undone"}).where(
            ImportRun.id == run["id"])
    return {"created": created, "updated": updated}


class _Undo:
    def __init__(self, gate: Gate, run_id):
        self.gate, self.run_id = gate, run_id
        self.pg = gate.kind == "postgres"
        self.table = quote(gate.table)
        self.now = datetime.now(timezone.utc)

    async def _sql(self, sql: str, *params):
        return await self.gate.engine.run_querystring(QueryString(sql, *params))

    def _touched(self, op: str) -> str:
        return f'SELECT u."record_id" FROM "{TOUCHED}" u WHERE u."run_id" = {{}} AND u."op" = \'{op}\''

    async def announce_put_back(self) -> None:
        """``on_records_written`` for the records given back their old values (a deal moved
        back to its earlier stage logs that stage again), in the undo's transaction."""
        from core.entities.ids import as_uuid
        from core.hooks.contributions import WrittenRecord

        rows = await self._sql(self._touched("u"), self.run_id)
        await self.gate.records_written([WrittenRecord(as_uuid(r["record_id"]), False, frozenset()) for r in rows])

    async def check(self) -> None:
        """Refuse, naming what stands in the way, unless every record is as the run left it and the user may change it."""
        moved = await self._sql(
            f'SELECT u."record_id" AS id FROM "{TOUCHED}" u LEFT JOIN {self.table} t ON t."id" = u."record_id" '
            f'WHERE u."run_id" = {{}} AND (t."id" IS NULL OR t."deleted_at" IS NOT NULL OR t."version" <> u."version")',
            self.run_id)
        if moved:
            names = await self._names([r["id"] for r in moved])
            raise UndoRefused(ngettext(
                "{n} record was changed after this import ({names}); the import can no longer be undone as a whole.",
                "{n} records were changed after this import ({names}); the import can no longer be undone as a whole.",
                len(moved)).format(n=len(moved), names=names))
        for op, action in (("c", "delete"), ("u", "write")):
            scope = self.gate.scope_where(action)
            outside = f'AND NOT EXISTS (SELECT 1 FROM {self.table} WHERE "id" = u."record_id" AND {{}})' if scope is not None else ""
            params = (self.run_id, scope) if scope is not None else (self.run_id,)
            refused = await self._sql(f'SELECT u."record_id" AS id FROM "{TOUCHED}" u WHERE u."run_id" = {{}} '
                                      f'AND u."op" = \'{op}\' {outside}', *params)
            if not refused:
                continue
            n, names = len(refused), await self._names([r["id"] for r in refused])
            if op == "c":
                text = ngettext("You may not delete {n} record this import created ({names}), so it cannot be undone.",
                                "You may not delete {n} records this import created ({names}), so it cannot be undone.", n)
            else:
                text = ngettext("You may not change {n} record this import updated ({names}), so it cannot be undone.",
                                "You may not change {n} records this import updated ({names}), so it cannot be undone.", n)
            raise UndoRefused(text.format(n=n, names=names))

    async def _names(self, ids: list) -> str:
        """Titles of up to a few of these records the user can read; the rest counted."""
        from core.entities.sql import Filter
        from core.permissions.gate import ListRequest

        title = self.gate.entity.title_field or "id"
        wanted = [str(i) for i in ids[:NAMES_SHOWN]]
        # Live records only: one deleted meanwhile (or unreadable) is counted, not named.
        page = await self.gate.list(ListRequest(filters=[Filter("id", "in", wanted)], limit=len(wanted)))
        names = sorted(str(r.get(title) or _("a record without a name")) for r in page.rows)
        rest = len(ids) - len(names)
        if rest:
            names.append(_("{n} more").format(n=rest))
        return ", ".join(names)

    async def trash_created(self) -> int:
        p = self.gate.principal
        ids = [r["record_id"] for r in await self._sql(self._touched("c"), self.run_id)]
        if not ids:
            return 0
        await self._sql(f'UPDATE {self.table} SET "deleted_at" = {{}}, "version" = "version" + 1, "updated_at" = {{}}, '
                        f'"updated_by" = {{}} WHERE "id" IN ({self._touched("c")})', self.now, self.now, p.user_id, self.run_id)
        # Related rows go to the trash with their parent, as the gate's delete sends them.
        for rel in self.gate.entity.relations:
            related = quote(self.gate.kernel.entities[rel.entity].table._meta.tablename)
            await self._sql(f'UPDATE {related} SET "deleted_at" = {{}}, "version" = "version" + 1 '
                            f'WHERE {quote(rel.field)} IN ({self._touched("c")}) AND "deleted_at" IS NULL', self.now, self.run_id)
        await self._audit(ids, "delete", "deleted_at", None, self.now.isoformat())
        return len(ids)

    async def put_back_updated(self) -> int:
        rows = await self._sql(f'SELECT "record_id", "old_values" FROM "{TOUCHED}" WHERE "run_id" = {{}} AND "op" = \'u\'',
                               self.run_id)
        if not rows:
            return 0
        names = [n for n in json.loads(rows[0]["old_values"] or "{}") if n in self.gate.fields]
        columns = {c._meta.db_column_name: c for c in self.gate.entity.table._meta.columns}
        sets = [f"{quote(n)} = {self._old(n, columns[n].column_type)}" for n in names]
        custom = 'CAST(u."old_custom" AS JSONB)' if self.pg else 'u."old_custom"'
        sets += [f'"custom" = {custom}', '"search_text" = u."old_search"', '"version" = t."version" + 1',
                 '"updated_at" = {}', '"updated_by" = {}']
        await self._sql(f'UPDATE {self.table} AS t SET {", ".join(sets)} FROM "{TOUCHED}" u '
                        f'WHERE t."id" = u."record_id" AND u."run_id" = {{}} AND u."op" = \'u\'',
                        self.now, self.gate.principal.user_id, self.run_id)
        await self._audit([r["record_id"] for r in rows], "undo-import", "", None, None, old_values=[r["old_values"] for r in rows])
        return len(rows)

    def _old(self, name: str, column_type: str) -> str:
        if self.pg:
            return f"CAST(CAST(u.\"old_values\" AS JSONB)->>'{name}' AS {column_type})"
        return f"json_extract(u.\"old_values\", '$.{name}')"

    async def _audit(self, ids: list, action: str, field: str, old, new, *, old_values: list | None = None) -> None:
        p = self.gate.principal
        entity = self.gate.entity.key
        for start in range(0, len(ids), AUDIT_CHUNK):
            chunk = ids[start:start + AUDIT_CHUNK]
            values, params = [], []
            for offset, record_id in enumerate(chunk):
                restored = old_values[start + offset] if old_values is not None else None
                values.append("(" + ", ".join("{}" for _ in range(11)) + ")")
                params += [new_id(), self.now, p.user_id, p.via, p.ip or "", entity, record_id, action, field,
                           json.dumps(old) if old_values is None else None,
                           json.dumps(new) if old_values is None else restored]
            await self._sql(AUDIT + ", ".join(values), *params)


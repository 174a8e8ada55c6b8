"""The query gate's trash: delete to the trash and restore, with the related rows that go along.

A mixin of :class:`core.permissions.gate.Gate` (it uses the gate's fetch, WHERE
clauses, uniqueness check and transaction). Each action's scope is part of
the ``UPDATE`` itself, so a row that left the scope meanwhile is not touched.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from uuid import UUID

from piccolo.querystring import QueryString

from core.audit.trail import record_changes
from core.entities.sql import quote
from core.permissions.errors import Conflict, NotFound


class TrashOperations:
    async def delete(self, record_id: Any, version: int | None = None) -> None:
        """Move a row (and the related rows that go with it) to the trash."""
        async with self._transaction():
            current = await self._fetch(record_id, "delete")
            if version is not None and current["version"] != version:
                raise Conflict(self._mask(current), {})
            now = datetime.now(timezone.utc)
            await self._set_deleted(current["id"], now, self._where("delete", extra=[QueryString('"id" = {}', current["id"])]))
            for rel in self.entity.relations:
                await self._cascade(rel, current["id"], now)
            await record_changes(self.principal, self.entity.key, current["id"], "delete", {"deleted_at": None}, {"deleted_at": now})

    async def restore(self, record_id: Any) -> dict:
        """Bring a row back from the trash, with the related rows deleted together with it."""
        async with self._transaction():
            current = await self._fetch(record_id, "restore", trash=True)
            deleted_at = current["deleted_at"]
            # A live record may have taken a unique value meanwhile: say so
            # per field (409-style Invalid) instead of letting an index refuse.
            await self._check_unique({f.name: current.get(f.name) for f in self.fields.values() if f.unique}, current["id"])
            await self._set_deleted(current["id"], None, self._where("restore", trash=True, extra=[QueryString('"id" = {}', current["id"])]))
            # Children trashed by the same delete come back with their parent.
            for rel in self.entity.relations:
                await self._cascade(rel, current["id"], None, only_deleted_at=deleted_at)
            await record_changes(self.principal, self.entity.key, current["id"], "restore", {"deleted_at": deleted_at}, {"deleted_at": None})
        return await self.get(current["id"])

    async def _set_deleted(self, record_id: UUID, value: datetime | None, scoped: QueryString) -> None:
        """Trash or restore one row; ``scoped`` (the action's WHERE for this id) is part of the
        UPDATE, so a row that left the scope meanwhile is not touched (NotFound, rolled back)."""
        sql = f'UPDATE {quote(self.table)} SET "deleted_at" = {{}}, "version" = "version" + 1, "updated_at" = {{}}, "updated_by" = {{}} WHERE {{}} RETURNING "id"'
        if not await self.engine.run_querystring(QueryString(sql, value, datetime.now(timezone.utc), self.principal.user_id, scoped)):
            raise NotFound(str(record_id))

    async def _cascade(self, rel, parent_id: UUID, value: datetime | None, only_deleted_at: datetime | None = None) -> None:
        table = quote(self.kernel.entities[rel.entity].table._meta.tablename)
        col = quote(rel.field)
        if value is not None:
            sql = f'UPDATE {table} SET "deleted_at" = {{}}, "version" = "version" + 1 WHERE {col} = {{}} AND "deleted_at" IS NULL'
            await self.engine.run_querystring(QueryString(sql, value, parent_id))
        else:
            sql = f'UPDATE {table} SET "deleted_at" = NULL, "version" = "version" + 1 WHERE {col} = {{}} AND "deleted_at" = {{}}'
            await self.engine.run_querystring(QueryString(sql, parent_id, only_deleted_at))

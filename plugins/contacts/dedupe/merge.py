"""Merge duplicate clients into one, and undo a merge.

A merge, in one transaction:

1. the user picks, per field, which record's value the survivor keeps;
2. the survivor is updated through the query gate (its audit rows, version);
3. every related row moves to the survivor — the rows the ``merge_records``
   hook names: the contacts plugin's own implementation names every native
   reference field of every registered entity pointing at the merged records
   (contact persons, interactions, tasks, other plugins' deals...), core names
   the custom reference fields' values, other plugins name their link tables.
   ``core.entities.merge_moves`` writes them (guarded, versioned, audited);
   rows the user may not read move too, and are never shown to them;
4. the merged records go to the trash through the gate;
5. a merge log row keeps the survivor's old values, the merged ids and every
   moved row's old value (only rows actually moved: one re-pointed meanwhile
   is left alone), so :func:`undo` puts back exactly what was changed.

Permissions: write on the survivor, delete on each merged record (the
gate's own checks, so scope and field rules hold); a hidden or read-only
field cannot be chosen. Undo needs write on the survivor and restore on the
merged records, and refuses when the survivor changed after the merge.
"""

from __future__ import annotations

import inspect
import json
from datetime import datetime, timezone
from uuid import UUID

from piccolo.querystring import QueryString

from core.entities import merge_moves
from core.entities.spec import SYSTEM_FIELDS
from core.entities.sql import Filter, quote
from core.i18n import _
from core.permissions.errors import Invalid, NotFound, Refused
from core.permissions.gate import Gate
from core.permissions.principal import Principal
from plugins.contacts.dedupe.tables import DedupeMerge, bind

ENTITY = "contacts.client"


class MergeError(ValueError):
    """A merge or an undo that cannot be done as asked; the message says why."""


def _uuid(value) -> UUID:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except ValueError:
        raise NotFound(str(value)) from None


def mergeable_fields(gate: Gate) -> list:
    """Fields a user may choose per record: readable, writable, not system, not the custom JSON."""
    return [f for f in gate.readable_fields
            if f.name not in SYSTEM_FIELDS and not f.readonly
            and gate.principal.can_write_field(gate.entity.key, f.name)
            and (f.name != gate.entity.owner_field or gate.principal.can(gate.entity.permission("assign")))]


async def load(kernel, principal: Principal, survivor_id, merged_ids, entity: str = ENTITY) -> tuple[Gate, dict, list[dict]]:
    """The gate, the survivor (readable and writable) and the merged records (deletable), or NotFound."""
    gate = await Gate.open(kernel, entity, principal)
    sid = _uuid(survivor_id)
    mids = list(dict.fromkeys(_uuid(m) for m in merged_ids))
    if not mids:
        raise MergeError(_("Choose at least one record to merge into the one that stays."))
    if sid in mids:
        raise MergeError(_("The record that stays cannot also be merged away."))
    survivor = await gate.get(sid, action="write")
    merged = [await gate.get(m, action="delete") for m in mids]
    return gate, survivor, merged


def chosen_values(gate: Gate, survivor: dict, merged: list[dict], choices: dict) -> dict:
    """``choices`` maps field name -> id of the record whose value is kept; the changes to the survivor."""
    rows = {str(r["id"]): r for r in [survivor, *merged]}
    allowed = {f.name for f in mergeable_fields(gate)}
    changes, errors = {}, {}
    for name, source in choices.items():
        if name not in allowed:
            errors[name] = _("This field cannot be chosen.")
            continue
        row = rows.get(str(source))
        if row is None:
            errors[name] = _("Choose one of the records being merged.")
            continue
        if row.get(name) != survivor.get(name):
            changes[name] = row.get(name)
    if errors:
        raise Refused(errors)
    return changes


async def collect_moves(kernel, entity, survivor_id: UUID, merged_ids: list[UUID]) -> list[dict]:
    moves = []
    for result in kernel.hook.merge_records(kernel=kernel, entity=entity, survivor_id=survivor_id, merged_ids=merged_ids):
        result = await result if inspect.isawaitable(result) else result
        for move in result or ():
            if not move.get("rows"):
                continue
            named = {"table": str(move["table"]), "column": str(move["column"]),
                     "rows": {str(k): str(v) for k, v in move["rows"].items()}}
            if move.get("key"):
                named["key"] = str(move["key"])
            moves.append(named)
    return moves


async def reference_moves(kernel, entity, survivor_id, merged_ids) -> list[dict]:
    """Every native reference field of every registered entity that points at ``entity``'s merged records
    (trashed rows too: restored later, they must find their parent)."""
    from core.db.engine import get_engine

    engine = get_engine()
    moves = []
    for other in kernel.entities.values():
        table = other.table._meta.tablename
        for f in other.fields:
            if f.custom or f.type != "reference" or f.reference != entity.key:
                continue
            marks = ", ".join("{}" for _ in merged_ids)
            sql = f"SELECT {quote('id')} AS id, {quote(f.name)} AS old FROM {quote(table)} WHERE {quote(f.name)} IN ({marks})"
            rows = await engine.run_querystring(QueryString(sql, *merged_ids))
            if rows:
                moves.append({"table": table, "column": f.name, "rows": {str(r["id"]): str(r["old"]) for r in rows}})
    return moves


async def _move(kernel, principal: Principal, moves: list[dict], target_of) -> list[dict]:
    """Apply ``moves``; the moves as done (rows actually changed), for the log."""
    done = []
    for move in moves:
        rows = await merge_moves.apply(kernel, principal, move, target_of)
        if rows:
            done.append({**move, "rows": rows})
    return done


async def merge(kernel, principal: Principal, survivor_id, merged_ids, choices: dict | None = None,
                version: int | None = None, entity: str = ENTITY) -> UUID:
    """Merge ``merged_ids`` into ``survivor_id``; returns the merge log's id.

    ``version`` is the survivor's version the user saw on the merge screen
    (optimistic locking, as every edit); None takes the current one."""
    bind()
    gate, survivor, merged = await load(kernel, principal, survivor_id, merged_ids, entity)
    changes = chosen_values(gate, survivor, merged, choices or {})
    sid, mids = survivor["id"], [m["id"] for m in merged]
    async with gate._transaction():
        current = survivor
        if changes:
            current = await gate.update(sid, changes, survivor["version"] if version is None else version)
        # After the survivor's update: a move may write the survivor's own row (its
        # custom reference to a merged record) and bump the version that update checks.
        moves = await _move(kernel, principal, await collect_moves(kernel, gate.entity, sid, mids), lambda old: (sid, old))
        for m in merged:
            await gate.delete(m["id"])
        log = DedupeMerge(
            entity=gate.entity.key, user_id=principal.user_id, survivor_id=sid,
            merged_ids=json.dumps([str(m) for m in mids]),
            before=json.dumps({str(sid): {k: survivor.get(k) for k in changes}}, default=str),
            changes=json.dumps({k: current.get(k) for k in changes}, default=str),
            moves=json.dumps(moves),
        )
        await log.save()
    return log.id


async def get_merge(merge_id, principal: Principal) -> dict:
    """A merge its author made (anyone else: not found)."""
    bind()
    row = await DedupeMerge.select().where(DedupeMerge.id == _uuid(merge_id)).first()
    if row is None or principal.user_id is None or row["user_id"] != principal.user_id:
        raise NotFound(str(merge_id))
    for key in ("merged_ids", "before", "changes", "moves"):
        row[key] = json.loads(row[key])
    return row


async def undo(kernel, principal: Principal, merge_id) -> dict:
    """Undo a merge: the merged records back from the trash, the moved rows back to them,
    the survivor's chosen values back to what it had. Returns the survivor as it is then."""
    log = await get_merge(merge_id, principal)
    if log["undone_at"] is not None:
        raise MergeError(_("This merge was already undone."))
    gate = await Gate.open(kernel, log["entity"], principal)
    sid = log["survivor_id"]
    before = log["before"].get(str(sid), {})
    async with gate._transaction():
        survivor = await gate.get(sid, action="write")
        after = {k: _comparable(v) for k, v in log["changes"].items()}
        changed = [k for k, v in after.items() if _comparable(survivor.get(k)) != v]
        if changed:
            raise MergeError(_("The record was changed after the merge ({fields}); undo would lose that change.")
                             .format(fields=", ".join(changed)))
        for mid in log["merged_ids"]:
            await gate.restore(mid)
        if before:
            survivor = await gate.update(sid, before, survivor["version"])
        # Last, as in the merge: moving back may write the survivor's own row.
        await _move(kernel, principal, log["moves"], lambda old: (old, sid))
        survivor = await gate.get(sid)
        await DedupeMerge.update({DedupeMerge.undone_at: datetime.now(timezone.utc),
                                  DedupeMerge.undone_by: principal.user_id}).where(DedupeMerge.id == log["id"])
    return survivor


async def visible_moves(kernel, principal: Principal, log: dict) -> int:
    """How many moved rows of a merge ``principal`` may see: rows of an entity they may read,
    by a field they may read. The merge moved others too (rows of other owners, link
    tables); their number is not shown, as a count would say they exist."""
    seen = 0
    for move in log["moves"]:
        entity = merge_moves.entity_of_table(kernel, move["table"])
        if entity is None:
            continue
        try:
            gate = await Gate.open(kernel, entity.key, principal)
        except NotFound:
            continue
        if gate.scope_where("read") is None or not gate.readable(merge_moves.field_of(move)):
            continue
        ids = list(move["rows"])
        for start in range(0, len(ids), 500):
            seen += await gate.count([Filter("id", "in", ids[start:start + 500])])
    return seen


def _comparable(value):
    return None if value in (None, "") else str(value)


__all__ = ["merge", "undo", "get_merge", "load", "mergeable_fields", "reference_moves", "visible_moves", "MergeError", "Invalid"]

"""An import run: from a file and a mapping to committed batches, resumable.

:func:`create_run` checks everything that can be checked before a row is
read — the ``import`` permission, that the file opens, that the mapping fits
its header and names only fields the user may write — and stores the run.
:func:`run_import` streams the file in batches of :data:`BATCH_ROWS`: each is
validated in Python (the gate's validation), then staged and merged in one
transaction with its checkpoint (:mod:`core.dataio.merge`). Started again
after a crash, a kill or a retry, it skips the lines before the checkpoint,
so no row is applied twice and no batch half-way. ``accepted + rejected =
total`` holds per batch, hence for the run.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Awaitable, Callable
from uuid import UUID

from core.dataio.mapping import Mapping, MappingError, check, guess, guess_key, importable_fields
from core.dataio.matching import check_on_match, composite_keys, match_rules
from core.dataio.readers import ReadError, open_reader
from core.dataio.tables import ImportRun
from core.i18n import _
from core.permissions.errors import NotFound, Refused
from core.permissions.gate import Gate
from core.permissions.principal import Principal

BATCH_ROWS = 5000
# "interrupted": its process died mid-run (see ``liveness``); it resumes from its checkpoint.
FINISHED = ("done", "failed", "cancelled", "undone")


class ImportError_(ValueError):
    """An import that cannot start or go on; the message is for the user."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


async def open_gate(kernel, entity: str, principal: Principal) -> Gate:
    """The entity's gate, refused (404, like everywhere) without the ``import`` permission."""
    gate = await Gate.open(kernel, entity, principal)
    if not principal.can(gate.entity.permission("import")):
        raise NotFound(entity)
    return gate


def key_choices(gate) -> tuple[str, ...]:
    """The entity's composite upsert keys (``inn+kpp``), from its match rules."""
    return tuple(composite_keys(match_rules(gate.kernel, gate.entity)))


def check_mapping(gate, mapping: Mapping, header: list[str]) -> None:
    """The mapping fits the header, names only fields the user may write, keys on a valid key."""
    check(mapping, header, importable_fields(gate), key_choices(gate))
    gate.check_write_keys([t for t in mapping.columns.values() if t in gate.fields], creating=True)


@dataclass
class Preview:
    header: list[str]
    mapping: Mapping
    fields: list  # importable fields, for the mapping screen
    sample: list[list]
    format: str
    encoding: str | None
    delimiter: str | None


async def preview(kernel, entity: str, principal: Principal, path: Path, *, fmt: str | None = None,
                  mapping: Mapping | None = None, rows: int = 5) -> Preview:
    """The header, a few rows and the guessed (or given) mapping: what the mapping screen shows."""
    gate = await open_gate(kernel, entity, principal)
    fields = importable_fields(gate)
    try:
        with open_reader(path, fmt) as reader:
            sample = []
            for _line, values in reader:
                if len(sample) >= rows:
                    break
                sample.append(values if isinstance(values, list) else [])
            header = reader.header
            info = (reader.format, reader.encoding, reader.delimiter)
    except (ReadError, OSError, UnicodeError) as exc:
        raise ImportError_(str(exc)) from None
    if mapping is None:
        columns = guess(header, fields)
        mapping = Mapping(columns, guess_key(columns, fields))
    return Preview(header, mapping, fields, sample, *info)


async def create_run(kernel, entity: str, principal: Principal, path: Path, mapping: Mapping | None = None, *,
                     file_name: str = "", fmt: str | None = None, dry_run: bool = False, key: str | None = None,
                     encoding: str | None = None, delimiter: str | None = None, draft: bool = False,
                     draft_of: UUID | None = None, on_match: str = "update") -> UUID:
    """Check the file and mapping against the user's rights and store a waiting run.

    ``draft``: an uploaded file waiting for its mapping screen (the guessed
    mapping is stored unchecked, nothing runs). ``draft_of``: a dry run made
    from that screen remembers it, so its page can lead back to the import."""
    gate = await open_gate(kernel, entity, principal)
    fields = importable_fields(gate)
    path = Path(path).resolve()
    try:
        on_match = check_on_match(on_match)
    except ValueError as exc:
        raise ImportError_(str(exc)) from None
    try:
        with open_reader(path, fmt, encoding=encoding, delimiter=delimiter) as reader:
            header, fmt = reader.header, reader.format
            encoding, delimiter = reader.encoding, reader.delimiter
            total = reader.progress()[1] if fmt == "xlsx" else None
    except (ReadError, OSError, UnicodeError) as exc:
        raise ImportError_(str(exc)) from None
    if mapping is None:
        columns = guess(header, fields)
        mapping = Mapping(columns, guess_key(columns, fields))
    if key is not None:
        mapping.key = key
    if not draft:
        check_mapping(gate, mapping, header)
    stored = {**mapping.as_json(), "header": header, **({"draft": str(draft_of)} if draft_of else {})}
    run = ImportRun(entity=entity, user_id=principal.user_id, status="draft" if draft else "waiting", dry_run=dry_run,
                    file_path=str(path), file_name=file_name or path.name, file_sha=file_sha256(path), format=fmt,
                    encoding=encoding or "", delimiter=delimiter or "", mapping=json.dumps(stored), key=mapping.key,
                    total_hint=total, on_match=on_match)
    await run.save()
    if not draft:
        from core.dataio.liveness import supersede

        await supersede(run)
    return run.id


async def find_unfinished(entity: str, principal: Principal, path: Path, mapping: Mapping, dry_run: bool,
                          on_match: str = "update") -> UUID | None:
    """A run of the same user, file (by content), mapping and mode that did not finish: resume it.

    Only the same bytes resume: a file changed since (a row appended, an edit) starts a new
    run from its first line, and the match rules find the rows the old run already wrote."""
    from core.dataio.liveness import mark_dead

    sha = file_sha256(Path(path))
    await mark_dead(entity, principal.user_id)
    rows = await ImportRun.select(ImportRun.id, ImportRun.mapping).where(
        (ImportRun.entity == entity) & (ImportRun.user_id == principal.user_id) & (ImportRun.file_sha == sha)
        & (ImportRun.dry_run == dry_run) & (ImportRun.on_match == on_match) & ImportRun.status.not_in([*FINISHED, "draft"])
    ).order_by(ImportRun.created_at, ascending=False).output(load_json=True)
    for row in rows:
        stored = row["mapping"] if isinstance(row["mapping"], dict) else json.loads(row["mapping"])
        if Mapping.from_json(stored).as_json() == mapping.as_json():
            return row["id"]
    return None


async def get_run(run_id, principal: Principal | None = None) -> dict:
    """The run row; with a principal, only their own runs (anything else is not found)."""
    try:
        rid = run_id if isinstance(run_id, UUID) else UUID(str(run_id))
    except ValueError:
        raise NotFound(str(run_id)) from None
    row = await ImportRun.select().where(ImportRun.id == rid).output(load_json=True).first()
    if row is None or (principal is not None and row["user_id"] != principal.user_id):
        raise NotFound(str(run_id))
    if isinstance(row["mapping"], str):
        row["mapping"] = json.loads(row["mapping"])
    row["accepted"] = row["created"] + row["updated"] + row["unchanged"] + row["skipped"]
    row["total"] = row["accepted"] + row["rejected"]
    return row


Progress = Callable[[dict], Awaitable[None]]


async def run_import(kernel, run_id, principal: Principal, *, progress: Progress | None = None,
                     batch_rows: int = BATCH_ROWS, stop_after: int | None = None, runner: str = "") -> dict:
    """Import (or dry-run) the run's file from its checkpoint to the end; returns the run row.

    ``progress(run)`` is awaited after every batch (and may raise to stop:
    the committed batches stay, the run resumes later). ``stop_after`` stops
    after that many batches (tests of resuming). ``runner``: ``host:pid`` of a
    command-line run (a job's run is followed through its job instead), so a
    run whose process died is told from a running one (``liveness``).
    """
    from core.dataio.merge import Merge
    from core.dataio.prefetch import open_prefetched
    from core.dataio.rows import RowPlan, UserLookup

    run = await get_run(run_id, principal)
    if run["status"] in FINISHED or run["status"] == "draft":
        return run
    try:
        gate = await open_gate(kernel, run["entity"], principal)
        fields = importable_fields(gate)
        mapping = Mapping.from_json(run["mapping"])
        header = list(run["mapping"].get("header") or [])
        check_mapping(gate, mapping, header)
        path = Path(run["file_path"])
        if not path.is_file() or file_sha256(path) != run["file_sha"]:
            raise ImportError_(_("The file of this import is gone or changed; start a new import."))
    except (MappingError, Refused, NotFound, ImportError_) as exc:
        await _finish(run["id"], "failed", _message(exc))
        return await get_run(run["id"])
    plan = RowPlan(gate, header, mapping, fields)
    merge = Merge(gate, plan, run["id"], dry_run=run["dry_run"], on_match=run["on_match"], rules=match_rules(kernel, gate.entity))
    users = UserLookup()
    await merge.refresh_statistics()
    await ImportRun.update({ImportRun.status: "running", ImportRun.started_at: datetime.now(timezone.utc),
                            ImportRun.error: "", ImportRun.runner: runner}).where(ImportRun.id == run["id"])
    checkpoint = run["next_line"]
    batches = 0
    # The previous batch's transaction, running while the next batch is validated:
    # Python's CPU work overlaps the database's (batches still commit in order, each
    # conditional on the checkpoint the one before it wrote).
    pending: asyncio.Task | None = None
    try:
        with open_prefetched(path, run["format"], encoding=run["encoding"] or None, delimiter=run["delimiter"] or None) as reader:
            plan.check_header(reader.header)
            batch: list = []

            async def settle() -> None:
                nonlocal pending, batches
                if pending is None:
                    return
                task, pending = pending, None
                await task
                batches += 1
                if progress is not None:
                    current = await get_run(run["id"])
                    current["bytes_done"], current["bytes_total"] = reader.progress()
                    await progress(current)

            async def flush(next_line: int) -> None:
                nonlocal checkpoint, batch, pending
                prepared, rejected = await plan.prepare(batch, users)
                await settle()
                pending = asyncio.create_task(merge.apply(prepared, rejected, expected_line=checkpoint, next_line=next_line))
                checkpoint, batch = next_line, []

            try:
                for line, values in reader:
                    if line < checkpoint:
                        continue
                    batch.append((line, values))
                    if len(batch) >= batch_rows:
                        await flush(line + 1)
                        if stop_after is not None and batches + 1 >= stop_after:
                            await settle()
                            return await get_run(run["id"])
                if batch:
                    await flush(batch[-1][0] + 1)
                await settle()
            finally:
                if pending is not None:  # an error while validating: the batch in flight still commits or rolls back whole
                    await asyncio.gather(pending, return_exceptions=True)
    except (ReadError, OSError, UnicodeError) as exc:
        await _finish(run["id"], "failed", _message(exc))
        return await get_run(run["id"])
    await _finish(run["id"], "done", "")
    return await get_run(run["id"])


async def _finish(run_id: UUID, status: str, error: str) -> None:
    from piccolo.querystring import QueryString

    from core.db.engine import get_engine

    await ImportRun.update({ImportRun.status: status, ImportRun.error: error[:4000],
                            ImportRun.finished_at: datetime.now(timezone.utc)}).where(ImportRun.id == run_id)
    # The keys served to find duplicates within this file; the run is over.
    await get_engine().run_querystring(QueryString('DELETE FROM "core_dataio_seen" WHERE "run_id" = {}', run_id))


async def cancel_run(run_id: UUID) -> None:
    await _finish(run_id, "cancelled", "")


def _message(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if isinstance(errors, dict) and errors:
        return "; ".join(f"{k}: {v}" for k, v in errors.items())
    return str(exc) or type(exc).__name__


async def rejected_rows(run_id: UUID):
    """The run's rejected rows in file order: (line, field, reason, values)."""
    from core.dataio.tables import RejectedRow

    rows = await RejectedRow.select(RejectedRow.line, RejectedRow.field, RejectedRow.reason, RejectedRow.row).where(
        RejectedRow.run_id == run_id).order_by(RejectedRow.line).order_by(RejectedRow.field).output(load_json=True)
    for row in rows:
        values = row["row"]
        if isinstance(values, str):
            values = json.loads(values)
        yield row["line"], row["field"], row["reason"], values or []

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
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Awaitable, Callable
from uuid import UUID

from core.dataio.mapping import Mapping, MappingError, check, guess, guess_key, importable_fields
from core.dataio.matching import check_on_match, composite_keys, match_rules
from core.dataio.parallel import POOL_MIN_ROWS, ValidationPool, worker_count
from core.dataio.readers import ReadError, open_reader
from core.dataio.rejects import rejected_rows  # noqa: F401 (the run's rejections: this module's API too)
from core.dataio.tables import ImportRun
from core.i18n import LANGUAGES, _, current_locale, use_locale
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
    gate.check_write_keys([t for t in [*mapping.columns.values(), *mapping.values] if t in gate.fields], creating=True)


READ_OPTIONS = ("sheet", "header_row", "header_rows", "hidden")


def read_options(stored: dict | None) -> dict:
    """The reader's options kept in a run's mapping (``{"read": {...}}``), for :func:`open_reader`."""
    read = (stored or {}).get("read") or {}
    return {k: read[k] for k in READ_OPTIONS if read.get(k) not in (None, "")}


def what_was_read(reader) -> dict:
    """How the file was read, as the run keeps it: the options that reproduce it (sheet, header
    row), what was left out, and a CSV's encoding check."""
    return {"sheet": reader.sheet, "header_row": reader.header_row, "header_rows": reader.header_rows,
            "hidden": reader.read_hidden, "sheets": list(reader.sheets),
            "left_out": reader.left_out, "reading": reader.reading.as_json() if reader.reading else None,
            "locale": current_locale()}


@dataclass
class Preview:
    header: list[str]
    mapping: Mapping
    fields: list  # importable fields, for the mapping screen
    sample: list[list]
    format: str
    encoding: str | None
    delimiter: str | None
    read: dict = field(default_factory=dict)  # what_was_read()
    lines: list[int] = field(default_factory=list)  # the sample rows' lines


async def preview(kernel, entity: str, principal: Principal, path: Path, *, fmt: str | None = None,
                  mapping: Mapping | None = None, rows: int = 5, encoding: str | None = None,
                  delimiter: str | None = None, **read) -> Preview:
    """The header, a few decoded rows and the guessed (or given) mapping: what the mapping screen
    and the command line show, with how the file was read (``read``: sheet, header row, …)."""
    gate = await open_gate(kernel, entity, principal)
    fields = importable_fields(gate)
    try:
        with open_reader(path, fmt, encoding=encoding, delimiter=delimiter, **read) as reader:
            sample, lines = [], []
            for line, values in reader:
                if len(sample) >= rows:
                    break
                sample.append(values if isinstance(values, list) else [])
                lines.append(line)
            header = reader.header
            info = (reader.format, reader.encoding, reader.delimiter)
            facts = what_was_read(reader)
    except (ReadError, OSError, UnicodeError) as exc:
        raise ImportError_(str(exc)) from None
    if mapping is None:
        columns = guess(header, fields)
        mapping = Mapping(columns, guess_key(columns, fields))
    return Preview(header, mapping, fields, sample, *info, read=facts, lines=lines)


async def create_run(kernel, entity: str, principal: Principal, path: Path, mapping: Mapping | None = None, *,
                     file_name: str = "", fmt: str | None = None, dry_run: bool = False, key: str | None = None,
                     encoding: str | None = None, delimiter: str | None = None, draft: bool = False,
                     draft_of: UUID | None = None, read: dict | None = None, on_match: str = "update") -> UUID:
    """Check the file and mapping against the user's rights and store a waiting run.

    ``draft``: an uploaded file waiting for its mapping screen (the guessed
    mapping is stored unchecked, nothing runs). ``draft_of``: a dry run made
    from that screen remembers it, so its page can lead back to the import.
    ``read``: the reader's options (``sheet``, ``header_row``, ``header_rows``,
    ``hidden``); the run keeps what they resolved to, so a resume reads alike."""
    gate = await open_gate(kernel, entity, principal)
    fields = importable_fields(gate)
    path = Path(path).resolve()
    try:
        on_match = check_on_match(on_match)
    except ValueError as exc:
        raise ImportError_(str(exc)) from None
    try:
        with open_reader(path, fmt, encoding=encoding, delimiter=delimiter, **(read or {})) as reader:
            header, fmt = reader.header, reader.format
            encoding, delimiter = reader.encoding, reader.delimiter
            total = reader.progress()[1] if fmt == "xlsx" else None
            facts = what_was_read(reader)
    except (ReadError, OSError, UnicodeError) as exc:
        raise ImportError_(str(exc)) from None
    if mapping is None:
        columns = guess(header, fields)
        mapping = Mapping(columns, guess_key(columns, fields))
    if key is not None:
        mapping.key = key
    if not draft:
        check_mapping(gate, mapping, header)
    # The language the run speaks (its rejection reasons, its progress): the page's, or the CLI's.
    stored = {**mapping.as_json(), "header": header, "read": facts, "lang": current_locale(),
              **({"draft": str(draft_of)} if draft_of else {})}
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
                     batch_rows: int = BATCH_ROWS, stop_after: int | None = None, runner: str = "",
                     workers: int | None = None, pool_min_rows: int = POOL_MIN_ROWS) -> dict:
    """Import (or dry-run) the run's file from its checkpoint to the end; returns the run row.

    ``progress(run)`` is awaited after every batch (and may raise to stop:
    the committed batches stay, the run resumes later). ``stop_after`` stops
    after that many batches (tests of resuming). ``runner``: ``host:pid`` of a
    command-line run (a job's run is followed through its job instead), so a
    run whose process died is told from a running one (``liveness``).
    ``workers``: validating processes (default: the ``import_workers``
    setting), started when at least ``pool_min_rows`` rows seem to remain
    after the first batch.

    The run speaks the language of the page (or command line) that started it,
    not its user's saved one: the reasons of its rejected rows are read there.
    """
    run = await get_run(run_id, principal)
    lang = run["mapping"].get("lang")
    workers = worker_count(kernel.settings) if workers is None else workers
    if lang not in LANGUAGES:
        return await _run_import(kernel, run, principal, progress, batch_rows, stop_after, runner, workers, pool_min_rows)
    with use_locale(lang):
        return await _run_import(kernel, run, principal, progress, batch_rows, stop_after, runner, workers, pool_min_rows)


async def _run_import(kernel, run: dict, principal: Principal, progress: Progress | None, batch_rows: int,
                      stop_after: int | None, runner: str, workers: int, pool_min_rows: int) -> dict:
    from core.dataio.merge import Merge
    from core.dataio.prefetch import open_prefetched
    from core.dataio.cells import CellReading
    from core.dataio.rows import RowPlan

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
        await _finish(run["id"], "failed", _message(exc, run["mapping"].get("header") or []))
        return await get_run(run["id"])
    plan = RowPlan(gate, header, mapping, fields, guarded=run["format"] == "csv")
    facts = run["mapping"].get("read") or {}
    plan.cells = CellReading(plan.fields, facts.get("locale") or current_locale())  # dates as the importing user writes them
    merge = Merge(gate, plan, run["id"], dry_run=run["dry_run"], on_match=run["on_match"], rules=match_rules(kernel, gate.entity))
    await merge.refresh_statistics()
    await ImportRun.update({ImportRun.status: "running", ImportRun.started_at: datetime.now(timezone.utc),
                            ImportRun.error: "", ImportRun.runner: runner}).where(ImportRun.id == run["id"])
    start = checkpoint = run["next_line"]
    batches = applied = 0
    # The previous batch's transaction, running while the next batch is validated:
    # Python's CPU work overlaps the database's (batches still commit in order, each
    # conditional on the checkpoint the one before it wrote).
    pending: asyncio.Task | None = None
    # A large file is validated by worker processes (core.dataio.parallel), started
    # once the first batch shows the file is worth it.
    pool: ValidationPool | None = None
    try:
        with open_prefetched(path, run["format"], encoding=run["encoding"] or None, delimiter=run["delimiter"] or None,
                             **read_options(run["mapping"])) as reader:
            plan.check_header(reader.header)
            batch: list = []
            read = 0

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

            async def apply(prepared, rejected, next_line: int) -> None:
                nonlocal checkpoint, pending, applied
                await settle()
                pending = asyncio.create_task(merge.apply(prepared, rejected, expected_line=checkpoint, next_line=next_line))
                checkpoint = next_line
                applied += 1

            async def flush(next_line: int) -> None:
                nonlocal batch, pool
                if pool is None and workers > 0 and _worth_workers(reader, read, pool_min_rows):
                    pool = ValidationPool(kernel, plan, workers)
                if pool is None:
                    prepared, rejected = await plan.prepare(batch)
                    batch = []
                    await apply(prepared, rejected, next_line)
                    return
                await pool.submit(batch, next_line)
                batch = []
                while pool.full:
                    await apply(*await pool.next())

            def stopping() -> bool:
                return stop_after is not None and applied >= stop_after

            try:
                for line, values in reader:
                    if line < start:
                        continue
                    batch.append((line, values))
                    read += 1
                    if len(batch) >= batch_rows:
                        await flush(line + 1)
                        if stopping():
                            await settle()
                            return await get_run(run["id"])
                if batch:
                    await flush(batch[-1][0] + 1)
                while pool is not None and pool.in_flight:
                    await apply(*await pool.next())
                    if stopping():
                        await settle()
                        return await get_run(run["id"])
                await settle()
                await _record_reading(run, reader, plan.cells)
            finally:
                if pending is not None:  # an error while validating: the batch in flight still commits or rolls back whole
                    await asyncio.gather(pending, return_exceptions=True)
                if pool is not None:
                    await pool.close()
    except (ReadError, OSError, UnicodeError) as exc:
        await _finish(run["id"], "failed", _message(exc))
        return await get_run(run["id"])
    await _finish(run["id"], "done", "")
    return await get_run(run["id"])


def _worth_workers(reader, read: int, pool_min_rows: int) -> bool:
    """Whether the rows left (estimated from the share of the file read so far) repay starting workers."""
    done, total = reader.progress()
    if not total or not done:
        return read >= pool_min_rows
    return read * (total - done) / done >= pool_min_rows


async def _record_reading(run: dict, reader, cells) -> None:
    """What the reader skipped (totals rows) and the cells it changed, kept on the run to be said.

    A resumed run read only the lines after its checkpoint: its changes add
    to those counted before; totals rows are found again wherever they are."""
    from core.dataio.cells import merge_summaries

    current = await get_run(run["id"])
    stored = current["mapping"]
    facts = dict(stored.get("read") or {})
    left_out = dict(facts.get("left_out") or {})
    left_out["totals"] = (getattr(reader, "left_out", None) or {}).get("totals", [])
    facts["left_out"] = left_out
    facts["changed"] = merge_summaries(facts.get("changed"), cells.summary())
    await ImportRun.update({ImportRun.mapping: json.dumps({**stored, "read": facts})}).where(ImportRun.id == run["id"])


async def _finish(run_id: UUID, status: str, error: str) -> None:
    from piccolo.querystring import QueryString

    from core.db.engine import get_engine

    await ImportRun.update({ImportRun.status: status, ImportRun.error: error[:4000],
                            ImportRun.finished_at: datetime.now(timezone.utc)}).where(ImportRun.id == run_id)
    # The keys served to find duplicates within this file; the run is over.
    await get_engine().run_querystring(QueryString('DELETE FROM "core_dataio_seen" WHERE "run_id" = {}', run_id))


async def cancel_run(run_id: UUID) -> None:
    await _finish(run_id, "cancelled", "")


def _message(exc: Exception, header: list[str] = ()) -> str:
    """Why a run failed, as sentences for the person who reads its page (never a dict)."""
    from core.dataio.mapping import error_sentences

    errors = getattr(exc, "errors", None)
    if isinstance(errors, dict) and errors:
        return " ".join(error_sentences(errors, header))
    return str(exc) or type(exc).__name__

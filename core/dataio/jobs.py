"""The import and export job kinds: long work runs as the user who started it.

``core.import`` continues an import run from its checkpoint, so a retry after
a crashed worker (or a killed process) picks up where the last committed
batch ended. ``core.export`` writes the list view to a file under
``<data_dir>/exports/`` that only its starter can download (the job's result
names it).
"""

from __future__ import annotations

from pathlib import Path

from core.jobs.context import JobCancelled, PermanentJobError

EXPORTS_DIR = "exports"


class Params:
    """A stored query (list of [key, value] pairs) as the multi-dict ``list_request`` reads."""

    def __init__(self, pairs):
        self.pairs = [(str(k), str(v)) for k, v in pairs]

    def multi_items(self):
        return list(self.pairs)


def estimate_total(run: dict) -> int | None:
    """Rows expected in all: XLSX knows its row count; for CSV/ODS extrapolate from bytes read."""
    done, size = run.get("bytes_done") or 0, run.get("bytes_total")
    if run["format"] == "xlsx" and size:
        return max(int(size) - 1, run["total"])
    if size and done:
        return max(int(run["total"] * size / done), run["total"])
    return None


async def import_job(ctx, run_id: str) -> dict:
    from core.dataio.importer import cancel_run, run_import
    from core.permissions.errors import NotFound

    from core.dataio.summary import summary

    async def progress(run: dict) -> None:
        # In the run's language (run_import speaks the page's that started it), plurals right.
        await ctx.progress(run["total"], estimate_total(run), summary(run))
        if ctx.cancelled:
            await cancel_run(run["id"])
            raise JobCancelled(f"import {run['id']} cancelled")

    try:
        run = await run_import(ctx.kernel, run_id, ctx.principal, progress=progress)
    except NotFound:
        raise PermanentJobError(f"no import run {run_id} of this user") from None
    if run["status"] == "failed":
        raise PermanentJobError(run["error"])
    return {k: run[k] for k in ("created", "updated", "unchanged", "rejected", "total", "status")} | {"run_id": str(run["id"])}


def export_path(kernel, job_id, fmt: str) -> Path:
    folder = Path(kernel.settings.data_dir) / EXPORTS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{job_id}.{fmt}"


async def export_job(ctx, entity: str, query: list, columns: list, format: str) -> dict:
    from core.auth import events
    from core.dataio.export import check_export, export_columns, export_request, write_export
    from core.permissions.errors import GateError
    from core.permissions.gate import Gate

    try:
        gate = await Gate.open(ctx.kernel, entity, ctx.principal)
        check_export(gate)
        req = export_request(gate, Params(query))
        fields = export_columns(gate, columns or None)
        total = await gate.count(req.filters, req.search, req.sort, action=req.action)
    except GateError as exc:
        raise PermanentJobError(str(getattr(exc, "errors", "") or exc)) from None
    path = export_path(ctx.kernel, ctx.job_id, format)

    async def progress(done: int) -> None:
        await ctx.progress(done, total, f"{done} of {total} rows")
        await ctx.check_cancelled()

    rows = await write_export(gate, req, fields, format, path, progress)
    await events.record("export", principal=ctx.principal, detail={"entity": entity, "rows": rows, "format": format,
                                                                   "query": query, "job": str(ctx.job_id)})
    return {"file": path.name, "rows": rows, "format": format, "entity": entity}

"""The import screens and the list's export action.

Import: upload (``core.uploads``: size, type, zip bombs and names checked
before any parser runs) → mapping screen (the guess, a template, the key)
→ a dry run or the import, each a ``core.import`` job → the run's page,
which polls its progress (htmx, every 2 s) and ends with the counts and the
rejected-rows file. A user sees only their own runs; anyone else's id is 404.

Export: ``POST /export/<plugin>/<entity>?<the list's query>`` (with the
session's CSRF token, ``format=csv|xlsx`` in the form or the query) exports
exactly the list view. Up to :data:`INLINE_ROWS` rows the file is written at
once and sent; a larger set becomes a ``core.export`` job, whose file its
starter downloads from the jobs page link. Starting an export is a POST
because it writes (a security event, a job, a file): with ``SameSite=Lax``
cookies another site could start one with a plain link. ``GET`` on the same
URL only shows that form (how many rows, which format), and ``GET`` on a
job's download link only sends a file that exists.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import File, Redirect, Stream, Template

from core.dataio.mapping import (EXTERNAL_KEY, Mapping, MappingError, error_sentences, importable_fields, list_templates,
                                 load_template, save_template)
from core.i18n import _, current_locale
from core.permissions.errors import Invalid, NotFound, Refused
from core.permissions.request import principal_of

IMPORT_FORMATS = ("csv", "xlsx", "ods")
INLINE_ROWS = 5000
IMPORT = {"entity_action": "import"}
EXPORT = {"entity_action": "export"}
OWN = {"authenticated": True}  # each handler checks the run or job is the user's own


def _key(plugin: str, name: str) -> str:
    return f"{plugin}.{name}"


def _entity(request: Request, key: str):
    entity = request.app.state.kernel.entities.get(key)
    if entity is None:
        raise NotFoundException()
    return entity


async def _run(request: Request, run_id: str) -> dict:
    from core.dataio.importer import get_run

    try:
        return await get_run(run_id, principal_of(request))
    except NotFound:
        raise NotFoundException() from None


@get("/import/{plugin:str}/{name:str}/", name="core:import", opt=IMPORT, include_in_schema=False)
async def upload_page(request: Request, plugin: FromPath[str], name: FromPath[str]) -> Template:
    from core.dataio.summary import status_text
    from core.dataio.tables import ImportRun

    from core.dataio.liveness import mark_dead

    key = _key(plugin, name)
    await mark_dead(key, principal_of(request).user_id)
    runs = await ImportRun.select().where((ImportRun.entity == key) & (ImportRun.user_id == principal_of(request).user_id)
                                          & (ImportRun.status != "draft")).order_by(ImportRun.created_at, ascending=False).limit(20)
    return Template("core/dataio/upload.html", context={"entity": _entity(request, key), "runs": runs, "errors": {},
                                                         "status_text": status_text})


async def upload(request: Request, plugin: FromPath[str], name: FromPath[str]) -> Template | Redirect:
    from core.dataio.importer import ImportError_, create_run
    from core.uploads import UploadRefused, accept

    key = _key(plugin, name)
    entity = _entity(request, key)
    form = await request.form()
    source = form.get("file")
    try:
        if not hasattr(source, "read"):
            raise Invalid({"file": _("Choose a CSV, XLSX or ODS file.")})
        stored = await accept(source, source.filename, allowed=IMPORT_FORMATS, area="imports", settings=request.app.state.kernel.settings)
        run_id = await create_run(request.app.state.kernel, key, principal_of(request), stored.path, file_name=stored.name,
                                  fmt=stored.kind, draft=True)
    except (UploadRefused, Invalid) as exc:
        return Template("core/dataio/upload.html", context={"entity": entity, "runs": [], "errors": exc.errors},
                        status_code=getattr(exc, "status", 422))
    except ImportError_ as exc:
        return Template("core/dataio/upload.html", context={"entity": entity, "runs": [], "errors": {"file": str(exc)}}, status_code=422)
    return Redirect(f"/import/runs/{run_id}", status_code=303)


ENCODINGS = ("utf-8", "utf-8-sig", "cp1251", "koi8-r", "cp866", "mac-cyrillic", "utf-16", "cp1252", "cp1250", "iso8859-1")


async def _shown(request: Request, run: dict):
    """The run's file as its reader sees it with the run's options (encoding, sheet, header row)."""
    from core.dataio.importer import preview, read_options

    return await preview(request.app.state.kernel, run["entity"], principal_of(request), Path(run["file_path"]),
                         fmt=run["format"], mapping=Mapping.from_json(run["mapping"]), encoding=run["encoding"] or None,
                         delimiter=run["delimiter"] or None, **read_options(run["mapping"]))


def _reading_context(shown, fields) -> dict:
    from core.dataio.notes import encoding_warning, reading_notes

    encodings = list(ENCODINGS)
    if shown.encoding and shown.encoding not in encodings:
        encodings.insert(0, shown.encoding)
    return {"notes": reading_notes(shown.read, fields), "warning": encoding_warning(shown.read), "encodings": encodings}


async def _mapping_context(request: Request, run: dict, errors: dict | None = None) -> dict:
    from core.dataio.importer import open_gate
    from core.dataio.matching import composite_keys, key_label, match_rules
    from core.i18n import current_locale

    kernel = request.app.state.kernel
    shown = await _shown(request, run)
    gate = await open_gate(kernel, run["entity"], principal_of(request))
    fields = importable_fields(gate)
    lang = current_locale()
    rules = match_rules(kernel, gate.entity)
    keys = [(key, key_label(rule, gate.entity, lang)) for key, rule in composite_keys(rules).items()]
    rule_names = [r.label_for(lang) for r in rules]
    return {"run": run, "entity": gate.entity, "preview": shown, "fields": fields, "external": EXTERNAL_KEY,
            "templates": await list_templates(run["entity"]), "errors": errors or {}, "composite_keys": keys,
            "match_rules": rule_names, "on_match": run.get("on_match") or "update", **_reading_context(shown, fields),
            "error_sentences": error_sentences,
            "same_values": _same_value_slots(shown.mapping),
            # The choice for a user naming nobody: offered when the entity has a user column at all.
            "users_mapped": any(f.type == "reference" and f.reference == "core.user" for f in fields)}


async def _live_run(request: Request, run_id: str) -> dict:
    """The run, marked interrupted first when the process running it is gone."""
    from core.dataio.liveness import interrupt, is_dead

    run = await _run(request, run_id)
    if await is_dead(run):
        await interrupt(run["id"])
        run = await _run(request, run_id)
    return run


@get("/import/runs/{run_id:str}", name="core:import-run", opt=OWN, include_in_schema=False)
async def run_page(request: Request, run_id: FromPath[str]) -> Template:
    run = await _live_run(request, run_id)
    if run["status"] == "draft":
        return Template("core/dataio/mapping.html", context=await _mapping_context(request, run))
    context = {"run": run, "entity": _entity(request, run["entity"]), "preview": None, "notes": [], "warning": ""}
    if run["dry_run"]:
        # A dry run shows the rows as they were decoded, and how the file was read: never a silent guess.
        from core.dataio.importer import ImportError_, open_gate

        try:
            shown = await _shown(request, run)
            fields = importable_fields(await open_gate(request.app.state.kernel, run["entity"], principal_of(request)))
            context.update(preview=shown, **_reading_context(shown, fields))
        except (ImportError_, NotFound, OSError):
            pass  # the file is gone or unreadable: the run's own status says why
    return Template("core/dataio/run.html", context=context)


async def _status_context(request: Request, run: dict, **extra) -> dict:
    from core.dataio.matching import ambiguous_rows
    from core.dataio.undo import can_undo

    from core.dataio.notes import found_while_reading

    entity = request.app.state.kernel.entities.get(run["entity"])
    found = found_while_reading(run["mapping"].get("read"), entity.fields if entity else ()) if run["status"] == "done" else []
    from core.dataio.summary import counts, status_text

    # Status and counts in this page's language (the run's rows may have been read in another).
    return {"run": run, "job": await _job(run), "undoable": can_undo(run), "found": found,
            "status": status_text(run["status"]), "counts": counts(run),
            "ambiguous": await ambiguous_rows(run["id"]) if run["ambiguous"] else [], **extra}


@get("/import/runs/{run_id:str}/status", name="core:import-status", opt=OWN, include_in_schema=False)
async def run_status(request: Request, run_id: FromPath[str]) -> Template:
    run = await _live_run(request, run_id)
    return Template("core/dataio/status.html", context=await _status_context(request, run))


@post("/import/runs/{run_id:str}/undo", name="core:import-undo", opt=OWN, include_in_schema=False)
async def undo(request: Request, run_id: FromPath[str]) -> Template | Redirect:
    """Undo the run (its new records to the trash, its updates put back), or say why not."""
    from core.dataio.undo import UndoRefused, undo_run
    from core.web.flash import flash

    run = await _run(request, run_id)
    try:
        done = await undo_run(request.app.state.kernel, run["id"], principal_of(request))
    except UndoRefused as exc:
        return Template("core/dataio/run.html", context={"run": run, "entity": _entity(request, run["entity"]),
                                                         "undo_refused": str(exc)}, status_code=409)
    await flash(request, _("Import undone. New records moved to the trash: %(created)s; updated records put back: %(updated)s.")
                % done, level="info")
    return Redirect(f"/import/runs/{run['id']}", status_code=303)


@post("/import/runs/{run_id:str}/resume", name="core:import-resume", opt=OWN, include_in_schema=False)
async def resume(request: Request, run_id: FromPath[str]) -> Redirect:
    """Go on with an interrupted run from its checkpoint (its file must be unchanged: the run checks)."""
    from core.dataio.tables import ImportRun
    from core.jobs.api import enqueue

    run = await _live_run(request, run_id)
    if run["status"] != "interrupted":
        raise NotFoundException()
    await ImportRun.update({ImportRun.status: "waiting", ImportRun.error: "", ImportRun.runner: ""}).where(
        ImportRun.id == run["id"])
    job = await _job(run)
    if job is None or job["status"] != "queued":
        # A job still queued for the run (its process died before a worker took it) will run
        # it; a second job would race it from the same checkpoint.
        job_id = await enqueue(request.app.state.kernel, "core.import", {"run_id": str(run["id"])},
                               user_id=principal_of(request).user_id)
        await ImportRun.update({ImportRun.job_id: job_id}).where(ImportRun.id == run["id"])
    return Redirect(f"/import/runs/{run['id']}", status_code=303)


async def _job(run: dict) -> dict | None:
    from core.jobs.api import JobNotFound, get_job

    if not run.get("job_id"):
        return None
    try:
        return await get_job(run["job_id"])
    except JobNotFound:
        return None


def _form_mapping(form, header: list[str]) -> Mapping:
    columns = {}
    for index, title in enumerate(header):
        target = (form.get(f"col_{index}") or "").strip()
        if target:
            columns[title] = target
    values = {}
    for index in range(SAME_VALUE_SLOTS):
        target, text = (form.get(f"set_field_{index}") or "").strip(), (form.get(f"set_value_{index}") or "").strip()
        if target and text:
            values[target] = text
    return Mapping(columns, (form.get("key") or "").strip(), (form.get("unknown_user") or "reject").strip(), values)


SAME_VALUE_SLOTS = 3  # "the same value in every row" pairs the mapping screen offers


def _same_value_slots(mapping: Mapping) -> list[tuple[str, str]]:
    """The mapping's values for every row as the screen's (field, text) pairs, empty ones after."""
    pairs = list(mapping.values.items())[:SAME_VALUE_SLOTS]
    return pairs + [("", "")] * (SAME_VALUE_SLOTS - len(pairs))


@post("/import/runs/{run_id:str}", name="core:import-start", opt=OWN, include_in_schema=False)
async def start(request: Request, run_id: FromPath[str]) -> Template | Redirect:
    """The mapping screen's buttons: load a template, or start a dry run or the import (each a job)."""
    from core.dataio.importer import check_mapping, create_run, open_gate, read_options
    from core.dataio.matching import ON_MATCH
    from core.dataio.tables import ImportRun
    from core.jobs.api import enqueue

    run = await _run(request, run_id)
    if run["status"] != "draft":
        raise NotFoundException()
    kernel, principal = request.app.state.kernel, principal_of(request)
    form = await request.form()
    header = list(run["mapping"].get("header") or [])
    action = form.get("action", "")
    if action == "reread":
        return await _reread(request, run, form)
    if action == "template":
        mapping = await load_template(run["entity"], form.get("template", "")) or Mapping.from_json(run["mapping"])
        await ImportRun.update({ImportRun.mapping: json.dumps({**mapping.as_json(), "header": header, "read": run["mapping"].get("read") or {}})}).where(ImportRun.id == run["id"])
        return Redirect(f"/import/runs/{run['id']}", status_code=303)
    mapping = _form_mapping(form, header)
    on_match = form.get("on_match") or "update"
    try:
        gate = await open_gate(kernel, run["entity"], principal)
        check_mapping(gate, mapping, header)
        if on_match not in ON_MATCH:
            raise MappingError({"on_match": _("Choose what a row that matches a stored record does.")})
        if (form.get("template_name") or "").strip():
            await save_template(run["entity"], form.get("template_name"), mapping, principal.user_id)
    except (MappingError, Refused) as exc:
        run["mapping"], run["on_match"] = {**mapping.as_json(), "header": header, "read": run["mapping"].get("read") or {}}, on_match
        return Template("core/dataio/mapping.html", context=await _mapping_context(request, run, exc.errors), status_code=422)
    # The run speaks the language of this page (its reasons, its progress), whatever the account's saved one.
    stored = {**mapping.as_json(), "header": header, "read": run["mapping"].get("read") or {}, "lang": current_locale()}
    await ImportRun.update({ImportRun.mapping: json.dumps(stored), ImportRun.key: mapping.key,
                            ImportRun.on_match: on_match}).where(ImportRun.id == run["id"])
    if action == "dry":
        target = await create_run(kernel, run["entity"], principal, Path(run["file_path"]), mapping, file_name=run["file_name"],
                                  fmt=run["format"], dry_run=True, draft_of=run["id"], encoding=run["encoding"] or None,
                                  delimiter=run["delimiter"] or None, read=read_options(run["mapping"]), on_match=on_match)
    else:
        await ImportRun.update({ImportRun.status: "waiting"}).where(ImportRun.id == run["id"])
        target = run["id"]
    job_id = await enqueue(kernel, "core.import", {"run_id": str(target)}, user_id=principal.user_id)
    await ImportRun.update({ImportRun.job_id: job_id}).where(ImportRun.id == target)
    from core.web.flash import flash

    started = _("Dry run started: %(file)s. This page follows it.") if action == "dry" else _("Import started: %(file)s. This page follows it.")
    await flash(request, started % {"file": run["file_name"]}, level="info")
    return Redirect(f"/import/runs/{target}", status_code=303)


def _read_form(form) -> tuple[str | None, dict, dict]:
    """The "how the file is read" part of the mapping screen: (encoding, reader options, errors)."""
    errors: dict = {}
    read: dict = {}
    encoding = (form.get("encoding") or "").strip() or None
    if (form.get("sheet") or "").strip():
        read["sheet"] = form.get("sheet").strip()
    row = (form.get("header_row") or "").strip()
    if row:
        if row.isdigit() and int(row) >= 1:
            read["header_row"] = int(row)
        else:
            errors["header_row"] = _("Enter the header's line number (1 or more).")
    rows = (form.get("header_rows") or "").strip()
    if rows in ("1", "2"):
        read["header_rows"] = int(rows)
    if form.get("hidden"):
        read["hidden"] = True
    return encoding, read, errors


async def _reread(request: Request, run: dict, form) -> Template | Redirect:
    """Read the draft's file again with other options; the mapping is guessed anew for its header."""
    from core.dataio.importer import ImportError_, preview
    from core.dataio.tables import ImportRun

    encoding, read, errors = _read_form(form)
    before = run["mapping"].get("read") or {}
    if read.get("sheet") != before.get("sheet") and read.get("header_row") == before.get("header_row"):
        # Another sheet has its own header: the line guessed for the old one (left as it was) is not it.
        read.pop("header_row", None)
        read.pop("header_rows", None)
    shown = None
    if not errors:
        try:
            shown = await preview(request.app.state.kernel, run["entity"], principal_of(request), Path(run["file_path"]),
                                  fmt=run["format"], encoding=encoding, **read)
        except ImportError_ as exc:
            errors["read"] = str(exc)
    if errors:
        return Template("core/dataio/mapping.html", context=await _mapping_context(request, run, errors), status_code=422)
    stored = {**shown.mapping.as_json(), "header": shown.header, "read": shown.read}
    await ImportRun.update({ImportRun.mapping: json.dumps(stored), ImportRun.key: shown.mapping.key,
                            ImportRun.encoding: shown.encoding or "", ImportRun.delimiter: shown.delimiter or ""}).where(
        ImportRun.id == run["id"])
    return Redirect(f"/import/runs/{run['id']}", status_code=303)


@get("/import/runs/{run_id:str}/rejected.csv", name="core:import-rejects", opt=OWN, include_in_schema=False)
async def rejects_file(request: Request, run_id: FromPath[str]) -> Stream:
    """The rejected rows, streamed as they are read (memory flat at any count), in the page's language."""
    from urllib.parse import quote

    from core.dataio.rejects import reject_lines

    run = await _run(request, run_id)
    name = f"rejected-{Path(run['file_name']).stem}.csv"
    return Stream(reject_lines(request.app.state.kernel, run), media_type="text/csv; charset=utf-8",
                  headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


# -- export ------------------------------------------------------------------------------


async def _export_setup(request: Request, plugin: str, name: str, fmt: str):
    """The gate, the list request, the columns and the row count of an export of this list view."""
    from core.dataio.export import check_export, export_columns, export_request
    from core.permissions.gate import Gate

    if fmt not in ("csv", "xlsx"):
        raise Refused({"format": _("Export as csv or xlsx.")})
    gate = await Gate.open(request.app.state.kernel, _key(plugin, name), principal_of(request))
    check_export(gate)
    params = request.query_params
    pairs = [(k, v) for k, v in params.multi_items() if k not in ("format", "cursor", "limit")]
    req = export_request(gate, pairs_params(pairs))
    columns = [c for c in (params.get("columns") or "").split(",") if c]
    fields = export_columns(gate, columns or None)
    total = await gate.count(req.filters, req.search, req.sort, action=req.action)
    return gate, pairs, req, columns, fields, total


@get("/export/{plugin:str}/{name:str}", name="core:export-form", opt=EXPORT, include_in_schema=False)
async def export_form(request: Request, plugin: FromPath[str], name: FromPath[str]) -> Template:
    """A link to an export only shows what would be exported and a button that starts it (a POST)."""
    fmt = request.query_params.get("format", "csv")
    gate, _pairs, _req, _columns, fields, total = await _export_setup(request, plugin, name, fmt)
    query = request.scope.get("query_string", b"").decode("latin-1")
    return Template("core/dataio/export.html", context={
        "entity": gate.entity, "total": total, "fields": fields, "format": fmt, "background": total > INLINE_ROWS,
        "action": f"/export/{plugin}/{name}" + (f"?{query}" if query else "")})


@post("/export/{plugin:str}/{name:str}", name="core:export", opt=EXPORT, status_code=200, include_in_schema=False)
async def export(request: Request, plugin: FromPath[str], name: FromPath[str]) -> File | Redirect:
    from core.auth import events
    from core.dataio.export import write_export
    from core.jobs.api import enqueue

    key = _key(plugin, name)
    kernel, principal = request.app.state.kernel, principal_of(request)
    form = await request.form()
    fmt = form.get("format") or request.query_params.get("format", "csv")
    gate, pairs, req, columns, fields, total = await _export_setup(request, plugin, name, fmt)
    if total > INLINE_ROWS:
        job_id = await enqueue(kernel, "core.export", {"entity": key, "query": pairs, "columns": columns, "format": fmt},
                               user_id=principal.user_id)
        return Redirect(f"/export/jobs/{job_id}", status_code=303)
    target = Path(tempfile.mkdtemp(prefix="klientela-export-")) / f"{name}.{fmt}"
    rows = await write_export(gate, req, fields, fmt, target)
    await events.record("export", request=request, detail={"entity": key, "rows": rows, "format": fmt, "query": pairs})
    media = "text/csv" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return File(path=target, filename=f"{name}.{fmt}", media_type=media, background=_removed(target))


def _removed(path: Path):
    """After the response is sent: the temporary folder of a generated file goes."""
    import shutil

    from litestar.background_tasks import BackgroundTask

    return BackgroundTask(shutil.rmtree, path.parent, ignore_errors=True)


def pairs_params(pairs):
    from core.dataio.jobs import Params

    return Params(pairs)


async def _export_job(request: Request, job_id: str) -> dict:
    from core.jobs.api import JobNotFound, get_job

    principal = principal_of(request)
    try:
        job = await get_job(job_id, principal)
    except JobNotFound:
        raise NotFoundException() from None
    if job["kind"] != "core.export" or job["user_id"] != principal.user_id:
        raise NotFoundException()  # an export file is its starter's alone
    return job


@get("/export/jobs/{job_id:str}", name="core:export-job", opt=OWN, include_in_schema=False)
async def export_job_page(request: Request, job_id: FromPath[str]) -> Template:
    return Template("core/dataio/export_job.html", context={"job": await _export_job(request, job_id)})


@get("/export/jobs/{job_id:str}/status", name="core:export-status", opt=OWN, include_in_schema=False)
async def export_job_status(request: Request, job_id: FromPath[str]) -> Template:
    """The export page's status block, which polls this until the job has finished."""
    return Template("core/dataio/export_status.html", context={"job": await _export_job(request, job_id)})


@get("/export/jobs/{job_id:str}/download", name="core:export-download", opt=OWN, include_in_schema=False)
async def export_download(request: Request, job_id: FromPath[str]) -> File:
    from core.dataio.jobs import export_path

    job = await _export_job(request, job_id)
    result = job["result"] or {}
    if job["status"] != "done" or not result.get("file"):
        raise NotFoundException()
    path = export_path(request.app.state.kernel, job["id"], result["format"])
    media = "text/csv" if result["format"] == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return File(path=path, filename=f"{result['entity'].split('.', 1)[1]}.{result['format']}", media_type=media)


def routes(settings) -> list:
    """The handlers; the upload's body limit is this instance's upload size cap (``upload_max_mb``)."""
    from core.uploads import UploadLimits
    from core.uploads.limits import body_limit

    posted = post("/import/{plugin:str}/{name:str}/", name="core:import-upload", opt=IMPORT, include_in_schema=False,
                  request_max_body_size=body_limit(UploadLimits.of(settings)))(upload)
    return [upload_page, posted, run_page, run_status, start, undo, resume, rejects_file, export_form, export, export_job_page,
            export_job_status, export_download]

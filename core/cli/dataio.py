"""``klientela import`` and ``klientela export``: the same engine as the screens and jobs.

Both act as a user (``--user EMAIL``, default the first active administrator),
so the user's permissions and field rules hold on the command line too.
An import that was interrupted (a crash, a kill -9, Ctrl-C) resumes when the
same command is run again: same user, same file content, same mapping.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import click

from core.cli.common import die, load_settings
from core.dataio.mapping import UNKNOWN_USER
from core.i18n import LANGUAGES


async def _session(user_email: str | None):
    from core.auth.principals import principal_for_user
    from core.auth.tables import User
    from core.db.bootstrap import bound_kernel
    from core.db.engine import get_engine, start_pool

    settings = load_settings()
    kernel = bound_kernel(settings)
    await start_pool(get_engine(settings), settings)
    query = User.select(User.id, User.email, User.timezone).where(User.is_active == True)  # noqa: E712
    if user_email:
        query = query.where(User.email == user_email.strip().lower())
    else:
        query = query.where(User.is_admin == True).order_by(User.created_at)  # noqa: E712
    user = await query.first()
    if user is None:
        from core.i18n import _

        die(_("No active user {email}.").format(email=user_email) if user_email
            else _("No active administrator: give --user EMAIL."))
    principal = await principal_for_user(user["id"], via="cli")
    # Dates in filters and times in files are the user's, as in the web app
    # (set for the rest of the command: this coroutine is the whole command).
    from core.i18n import set_timezone
    from core.i18n.timezones import effective_timezone

    set_timezone(effective_timezone(user["timezone"], settings.timezone))
    return kernel, principal


async def _close():
    from core.db.engine import close_pool, get_engine

    await close_pool(get_engine())


def _load_mapping(value: str | None):
    from core.dataio.mapping import Mapping, MappingError

    if not value:
        return None, None
    path = Path(value)
    if path.is_file():
        try:
            return Mapping.from_json(json.loads(path.read_text(encoding="utf-8"))), None
        except (ValueError, MappingError) as exc:
            from core.i18n import _

            die(_("{file}: not a mapping file ({problem}).").format(file=value, problem=exc))
    return None, value  # the name of a saved template


@click.command("import")
@click.argument("entity")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Report what would be created, updated and rejected; change nothing.")
@click.option("--mapping", "mapping_arg", help="A mapping file (JSON: {\"columns\": {header: field}, \"key\": field}) "
              "or the name of a saved template. Default: guessed from the headers.")
@click.option("--key", help="The field that identifies a record for the upsert (a unique field), @key for the "
              "column mapped as the external key, or a composite key of the entity's match rules (inn+kpp).")
@click.option("--on-match", type=click.Choice(["update", "skip", "create"]), default="update", show_default=True,
              help="What a row that matches a stored record (by the key or the entity's match rules: for clients "
              "tax id + KPP, e-mail, phone) does: update the record, skip the row, or create a new record anyway.")
@click.option("--unknown-user", type=click.Choice(UNKNOWN_USER), default=None,
              help="A user column (the responsible user) naming no active user: reject the row (default), "
              "or make the importing user (--user) responsible.")
@click.option("--set", "values", multiple=True, metavar="FIELD=VALUE",
              help="Give every row this value for a field the file has no column for (repeatable): "
                   "--set price_type=\"Supplier\" --set effective_from=01.03.2026.")
@click.option("--save-mapping", help="Save the mapping used as a template under this name.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "ods"]), help="Default: from the file.")
@click.option("--encoding", help="CSV encoding (default: detected).")
@click.option("--delimiter", help="CSV delimiter (default: detected).")
@click.option("--sheet", help="The workbook's sheet to read (default: the first visible one).")
@click.option("--header-row", type=click.IntRange(1), help="The header's line in the file (default: guessed, "
              "skipping title rows above it).")
@click.option("--header-rows", type=click.IntRange(1, 2), help="Rows the header spans: 2 joins a header merged over "
              "two rows (default: guessed).")
@click.option("--hidden-columns", is_flag=True, help="Read a workbook's hidden columns too (default: left out, and said).")
@click.option("--rejects", type=click.Path(dir_okay=False), help="Where to write rejected rows (default FILE.rejected.csv).")
@click.option("--user", "user_email", help="Import as this user (default: the first active administrator).")
@click.option("--lang", type=click.Choice(LANGUAGES), default=None,
              help="The language of the messages and of the rejection reasons (default: the instance's).")
@click.option("--show-mapping", is_flag=True, help="Print the mapping and stop.")
@click.option("--batch-rows", type=click.IntRange(1, 100_000), default=None, help="Rows per committed batch (default 5000).")
def import_command(entity, file, user_email, lang, sheet, header_row, header_rows, hidden_columns, **options) -> None:
    """Import FILE (CSV, XLSX, ODS) into ENTITY (e.g. contacts.client).

    Exits with 1 when the import failed, or when every row was rejected."""
    from core.i18n import use_locale

    lang = lang or load_settings().language
    read = {k: v for k, v in {"sheet": sheet, "header_row": header_row, "header_rows": header_rows,
                              "hidden": hidden_columns or None}.items() if v is not None}

    async def main() -> int:
        with use_locale(lang):
            kernel, principal = await _session(user_email)
        try:
            return await import_file(kernel, principal, entity, Path(file).resolve(), lang=lang, read=read, **options)
        finally:
            await _close()

    raise SystemExit(asyncio.run(main()))


async def import_file(kernel, principal, entity: str, path: Path, *, lang: str, **options) -> int:
    """The import command's work, as ``principal``: prints what it does, returns the exit code.

    ``options``: the command's (``dry_run``, ``mapping_arg``, ``key``, ``on_match``,
    ``unknown_user``, ``save_mapping``, ``fmt``, ``encoding``, ``delimiter``, ``read``
    — the sheet and header options —, ``rejects``, ``show_mapping``, ``batch_rows``)."""
    from core.i18n import use_locale
    from core.i18n.catalogs import app_catalogs

    # Everything this command says — and the run's rejection reasons — in one language.
    with use_locale(lang, app_catalogs(kernel)):
        return await _import(kernel, principal, entity, path, **options)


def _fail(lines: list[str]) -> int:
    """Problems as sentences on stderr (never a Python dict); the command's exit code."""
    for line in lines:
        click.secho(line, fg="red", err=True)
    return 1


async def _import(kernel, principal, entity: str, path: Path, *, dry_run=False, mapping_arg=None, key=None,
                  on_match="update", unknown_user=None, save_mapping=None, fmt=None, encoding=None, delimiter=None,
                  read=None, rejects=None, show_mapping=False, batch_rows=None, values=()) -> int:
    from core.dataio.importer import (BATCH_ROWS, ImportError_, create_run, find_unfinished, get_run, key_choices, open_gate,
                                      preview, run_import)
    from core.dataio.liveness import this_runner
    from core.dataio.mapping import EXTERNAL_KEY, MappingError, check, error_sentences, load_template, save_template
    from core.dataio.notes import encoding_warning, found_while_reading, reading_notes
    from core.dataio.rejects import RejectsFile, RejectsLayout
    from core.dataio.summary import nothing_imported, status_text, summary
    from core.i18n import _, current_locale
    from core.permissions.errors import NotFound, Refused

    read = read or {}
    header: list[str] = []
    labels: dict[str, str] = {}
    try:
        mapping, template = _load_mapping(mapping_arg)
        if template:
            mapping = await load_template(entity, template)
            if mapping is None:
                return _fail([_("{name}: no such mapping file, and no saved mapping of {entity} by that name.").format(
                    name=mapping_arg, entity=entity)])
        shown = await preview(kernel, entity, principal, path, fmt=fmt, mapping=mapping, encoding=encoding,
                              delimiter=delimiter, **read)
        header, mapping = shown.header, shown.mapping
        labels = {f.name: f.label_for(current_locale()) for f in shown.fields}
        if key is not None:
            mapping.key = key
        if unknown_user is not None:
            mapping.unknown_user = unknown_user
        for pair in values:
            name, sep, text = pair.partition("=")
            if not sep or not name.strip():
                return _fail([_("--set takes FIELD=VALUE, not {text}.").format(text=pair)])
            mapping.values[name.strip()] = text.strip()
        if shown.format == "csv":
            # The encoding actually used (given or detected), never the detector's first idea.
            line = (_("{file}: {format}, encoding {encoding} (given), delimiter {delimiter}") if encoding else
                    _("{file}: {format}, encoding {encoding} (detected), delimiter {delimiter}"))
            click.echo(line.format(file=path.name, format=shown.format, encoding=shown.encoding, delimiter=repr(shown.delimiter)))
        else:
            click.echo(_("{file}: {format}, sheet {sheet}").format(file=path.name, format=shown.format, sheet=shown.read["sheet"]))
        warning = encoding_warning(shown.read)
        if warning:
            click.secho(warning, fg="red", err=True)
        for note in reading_notes(shown.read, shown.fields):
            click.echo(f"  {note}")
        if dry_run or warning:
            click.echo(_("First rows as read:"))
            for number, values in zip(shown.lines, shown.sample):
                click.echo(f"  {number}: " + " | ".join("" if v is None else str(v).replace("\n", "⏎") for v in values)[:200])
        if warning and not encoding and not dry_run:
            # A guess that reads as mojibake is never imported silently: the user decides.
            return _fail([_("The detected encoding does not read this file cleanly: look at --dry-run and give --encoding.")])
        # After the encoding: headers read as mojibake map to nothing, and the encoding is what to fix.
        check(mapping, shown.header, shown.fields, key_choices(await open_gate(kernel, entity, principal)))

        def target(name: str) -> str:
            return _("external key") if name == EXTERNAL_KEY else f"{labels.get(name, name)} ({name})"

        for title in shown.header:
            chosen = mapping.columns.get(title)
            click.echo(f"  {title:40} → {target(chosen) if chosen else _('(not imported)')}")
        every_row = _("(every row)")
        for name, text in mapping.values.items():
            click.echo(f"  {every_row:40} → {target(name)} = {text}")
        click.echo(_("Key: {key}").format(key=target(mapping.key) if mapping.key else _("none: rows are matched by the entity's match rules")))
        if show_mapping:
            click.echo(json.dumps(mapping.as_json(), ensure_ascii=False, indent=2))
            return 0
        if save_mapping:
            await save_template(entity, save_mapping, mapping, principal.user_id)
        run_id = await find_unfinished(entity, principal, path, mapping, dry_run, on_match)
        if run_id:
            click.echo(_("Resuming import {id}").format(id=run_id))
        else:
            run_id = await create_run(kernel, entity, principal, path, mapping, fmt=fmt, dry_run=dry_run,
                                      encoding=encoding, delimiter=delimiter, read=read, on_match=on_match)
            click.echo((_("Dry run {id}") if dry_run else _("Import {id}")).format(id=run_id))
        # Rejected rows are written as the run goes, batch by batch: memory stays flat.
        target_file = Path(rejects or f"{path}.rejected.csv")
        rejected = RejectsFile(target_file, await RejectsLayout.of(kernel, await get_run(run_id), current_locale()))
        with click.progressbar(length=100, label=_("importing"), show_eta=True, show_percent=True,
                               file=click.get_text_stream("stderr")) as bar:
            shown_pct = 0

            async def progress(run):
                nonlocal shown_pct
                await rejected.catch_up(run["next_line"])
                done, total = run.get("bytes_done") or 0, run.get("bytes_total")
                pct = int(100 * done / total) if total else 0
                if pct > shown_pct:
                    bar.update(pct - shown_pct)
                    shown_pct = pct

            try:
                run = await run_import(kernel, run_id, principal, progress=progress, batch_rows=batch_rows or BATCH_ROWS,
                                       runner=this_runner())
                await rejected.catch_up()
            finally:
                rejected.close()
            if run["status"] == "done":
                bar.update(100 - shown_pct)
        click.echo(summary(run))
        for note in found_while_reading(run["mapping"].get("read"), shown.fields):
            click.echo(note)
        if not dry_run and run["created"] + run["updated"]:
            click.echo(_("Undo it with: klientela import-undo {id}").format(id=run_id))
        if rejected.written:
            click.echo(_("Rejected rows: {path}").format(path=target_file))
        if run["status"] != "done":
            return _fail([_("The import {status}: {error}").format(status=status_text(run["status"]), error=run["error"])])
        if nothing_imported(run):
            return _fail([_("Nothing would be imported: every row is rejected.") if dry_run
                          else _("Nothing was imported: every row was rejected.")])
        return 0
    except MappingError as exc:
        return _fail(error_sentences(exc.errors, header))
    except Refused as exc:
        return _fail([f"{labels.get(name, name)}: {message}" for name, message in exc.errors.items()])
    except ImportError_ as exc:
        return _fail([str(exc)])
    except NotFound:
        return _fail([_("No entity {entity}, or this user may not import into it.").format(entity=entity)])


@click.command("import-undo")
@click.argument("run_id")
@click.option("--user", "user_email", help="The user who ran the import (default: the first active administrator).")
def import_undo_command(run_id, user_email) -> None:
    """Undo the import RUN_ID: its new records to the trash, its updates put back.

    Refused (with the reason) when any of those records changed since."""
    from core.dataio.undo import UndoRefused, undo_run
    from core.permissions.errors import NotFound

    from core.i18n import _, use_locale

    async def main() -> None:
        with use_locale(load_settings().language):
            kernel, principal = await _session(user_email)
            try:
                done = await undo_run(kernel, run_id, principal)
                click.echo(_("Import {id} undone: new records moved to the trash: {created}; updated records put back: "
                             "{updated}.").format(id=run_id, **done))
            except UndoRefused as exc:
                die(str(exc))
            except NotFound:
                die(_("No import {id} of this user.").format(id=run_id))
            finally:
                await _close()

    asyncio.run(main())


@click.command("export")
@click.argument("entity")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The file to write.")
@click.option("-f", "--filter", "filters", multiple=True, help="A list filter, as in the list's URL: "
              "field=value or field__op=value (ops: eq ne lt lte gt gte contains startswith in isnull). Repeatable.")
@click.option("-q", "--search", default="", help="The list's search text.")
@click.option("--sort", default="", help="Sort fields, comma-separated; - for descending (e.g. -created_at,name).")
@click.option("--columns", default="", help="Fields to export, comma-separated (default: every field the user may read).")
@click.option("--user", "user_email", help="Export as this user (default: the first active administrator).")
@click.option("--lang", type=click.Choice(LANGUAGES), default=None,
              help="The language of the command's messages (default: the instance's).")
def export_command(entity, fmt, output, filters, search, sort, columns, user_email, lang) -> None:
    """Export ENTITY's list (with the list's filters) to CSV or XLSX."""
    from core.auth import events
    from core.dataio.export import check_export, export_columns, export_request, write_export
    from core.dataio.jobs import Params
    from core.i18n import _, ngettext, use_locale
    from core.permissions.errors import NotFound, Refused
    from core.permissions.gate import Gate

    lang = lang or load_settings().language
    pairs = []
    for item in filters:
        name, sep, value = item.partition("=")
        if not sep:
            with use_locale(lang):
                die(_("--filter {item}: write field=value.").format(item=item))
        pairs.append((name.strip(), value))
    if search:
        pairs.append(("q", search))
    if sort:
        pairs.append(("sort", sort))

    async def main() -> None:
        with use_locale(lang):
            kernel, principal = await _session(user_email)
            gate = None
            try:
                gate = await Gate.open(kernel, entity, principal)
                check_export(gate)
                req = export_request(gate, Params(pairs))
                fields = export_columns(gate, [c.strip() for c in columns.split(",") if c.strip()] or None, everything=True)
                total = await gate.count(req.filters, req.search, req.sort, action=req.action)
                with click.progressbar(length=max(total, 1), label=_("exporting"), file=click.get_text_stream("stderr")) as bar:
                    last = 0

                    async def progress(done: int) -> None:
                        nonlocal last
                        bar.update(done - last)
                        last = done

                    rows = await write_export(gate, req, fields, fmt, Path(output), progress, every=1000)
                await events.record("export", principal=principal, detail={"entity": entity, "rows": rows, "format": fmt,
                                                                            "query": pairs, "file": str(output)})
                click.echo(ngettext("%(num)d row written to %(file)s", "%(num)d rows written to %(file)s", rows)
                           % {"num": rows, "file": output})
            except Refused as exc:
                # Each problem as a sentence, a field named by its label.
                named = {n: f.label_for(lang) for n, f in gate.fields.items()} if gate is not None else {}
                die(" ".join(f"{named.get(k, k)}: {v}" for k, v in exc.errors.items()))
            except NotFound:
                die(_("No entity {entity}, or this user may not export it.").format(entity=entity))
            finally:
                await _close()

    asyncio.run(main())


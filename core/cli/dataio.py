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
        die(f"no active user {user_email}" if user_email else "no active administrator; give --user EMAIL")
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
            die(f"{value}: not a mapping file ({exc})")
    return None, value  # the name of a saved template


@click.command("import")
@click.argument("entity")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Report what would be created, updated and rejected; change nothing.")
@click.option("--mapping", "mapping_arg", help="A mapping file (JSON: {\"columns\": {header: field}, \"key\": field}) "
              "or the name of a saved template. Default: guessed from the headers.")
@click.option("--key", help="The field that identifies a record for the upsert (a unique field), or @key for the "
              "column mapped as the external key.")
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
@click.option("--show-mapping", is_flag=True, help="Print the mapping and stop.")
@click.option("--batch-rows", type=click.IntRange(1, 100_000), default=None, help="Rows per committed batch (default 5000).")
def import_command(entity, file, dry_run, mapping_arg, key, save_mapping, fmt, encoding, delimiter, sheet, header_row,
                   header_rows, hidden_columns, rejects, user_email, show_mapping, batch_rows) -> None:
    """Import FILE (CSV, XLSX, ODS) into ENTITY (e.g. contacts.client)."""
    from core.dataio.importer import BATCH_ROWS, ImportError_, create_run, find_unfinished, preview, run_import
    from core.dataio.mapping import MappingError, check, load_template, save_template
    from core.dataio.notes import encoding_warning, found_while_reading, reading_notes
    from core.permissions.errors import NotFound, Refused

    async def main() -> int:
        kernel, principal = await _session(user_email)
        try:
            mapping, template = _load_mapping(mapping_arg)
            if template:
                mapping = await load_template(entity, template)
                if mapping is None:
                    die(f"{mapping_arg}: no such file, and no saved template of {entity} by that name")
            path = Path(file).resolve()
            read = {k: v for k, v in {"sheet": sheet, "header_row": header_row, "header_rows": header_rows,
                                      "hidden": hidden_columns or None}.items() if v is not None}
            shown = await preview(kernel, entity, principal, path, fmt=fmt, mapping=mapping, encoding=encoding,
                                  delimiter=delimiter, **read)
            mapping = shown.mapping
            if key is not None:
                mapping.key = key
            # The encoding actually used (given or detected), never the detector's first idea.
            how = "given" if encoding else "detected"
            click.echo(f"{path.name}: {shown.format}" + (f", {shown.encoding} ({how}), delimiter {shown.delimiter!r}"
                                                          if shown.format == "csv" else f", sheet {shown.read['sheet']!r}"))
            warning = encoding_warning(shown.read)
            if warning:
                click.secho(warning, fg="red", err=True)
            for note in reading_notes(shown.read, shown.fields):
                click.echo(f"  {note}")
            if dry_run or warning:
                click.echo("first rows as read:")
                for line, values in zip(shown.lines, shown.sample):
                    click.echo(f"  {line}: " + " | ".join("" if v is None else str(v).replace("\n", "⏎") for v in values)[:200])
            if warning and not encoding and not dry_run:
                # A guess that reads as mojibake is never imported silently: the user decides.
                die("the detected encoding does not read this file cleanly; look at --dry-run and give --encoding")
            check(mapping, shown.header, shown.fields)
            for title in shown.header:
                click.echo(f"  {title!r:40} -> {mapping.columns.get(title, '(not imported)')}")
            click.echo(f"  key: {mapping.key or '(none: every row creates a record)'}")
            if show_mapping:
                click.echo(json.dumps(mapping.as_json(), ensure_ascii=False, indent=2))
                return 0
            if save_mapping:
                await save_template(entity, save_mapping, mapping, principal.user_id)
            run_id = await find_unfinished(entity, principal, path, mapping, dry_run)
            if run_id:
                click.echo(f"resuming import {run_id}")
            else:
                run_id = await create_run(kernel, entity, principal, path, mapping, fmt=fmt, dry_run=dry_run,
                                          encoding=encoding, delimiter=delimiter, read=read)
                click.echo(f"import {run_id}" + (" (dry run)" if dry_run else ""))
            with click.progressbar(length=100, label="importing", show_eta=True, show_percent=True, file=click.get_text_stream("stderr")) as bar:
                shown_pct = 0

                async def progress(run):
                    nonlocal shown_pct
                    done, total = run.get("bytes_done") or 0, run.get("bytes_total")
                    pct = int(100 * done / total) if total else 0
                    if pct > shown_pct:
                        bar.update(pct - shown_pct)
                        shown_pct = pct

                run = await run_import(kernel, run_id, principal, progress=progress, batch_rows=batch_rows or BATCH_ROWS)
                if run["status"] == "done":
                    bar.update(100 - shown_pct)
            verb = "would be " if dry_run else ""
            click.echo(f"{run['total']} rows: {run['created']} {verb}created, {run['updated']} {verb}updated, "
                       f"{run['unchanged']} unchanged, {run['rejected']} rejected")
            for note in found_while_reading(run["mapping"].get("read"), shown.fields):
                click.echo(note)
            if run["rejected"]:
                target = Path(rejects or f"{path}.rejected.csv")
                await write_rejects(run_id, target)
                click.echo(f"rejected rows: {target}")
            if run["status"] != "done":
                click.secho(f"import {run['status']}: {run['error']}", fg="red", err=True)
                return 1
            return 0
        except (ImportError_, MappingError, Refused) as exc:
            die(str(getattr(exc, "errors", None) or exc))
        except NotFound:
            die(f"no entity {entity}, or the user may not import into it")
        finally:
            await _close()

    raise SystemExit(asyncio.run(main()))


async def write_rejects(run_id, target: Path) -> None:
    """line, field, reason, then the row's values as read."""
    from core.dataio.importer import rejected_rows

    from core.dataio.guard import csv_line, neutralize

    # The rows go back to a spreadsheet: guarded and quoted like an export (S11).
    with open(target, "w", encoding="utf-8-sig", newline="") as out:
        out.write(csv_line(["line", "field", "reason", "values…"]))
        async for line, field, reason, values in rejected_rows(run_id):
            out.write(csv_line([str(line), *(neutralize("" if v is None else str(v)) for v in (field, reason, *values))]))


@click.command("export")
@click.argument("entity")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The file to write.")
@click.option("-f", "--filter", "filters", multiple=True, help="A list filter, as in the list's URL: "
              "field=value or field__op=value (ops: eq ne lt lte gt gte contains startswith in isnull). Repeatable.")
@click.option("-q", "--search", default="", help="The list's search text.")
@click.option("--sort", default="", help="Sort fields, comma-separated; - for descending (e.g. -created_at,name).")
@click.option("--columns", default="", help="Fields to export, comma-separated (default: the list's columns).")
@click.option("--user", "user_email", help="Export as this user (default: the first active administrator).")
def export_command(entity, fmt, output, filters, search, sort, columns, user_email) -> None:
    """Export ENTITY's list (with the list's filters) to CSV or XLSX."""
    from core.auth import events
    from core.dataio.export import check_export, export_columns, export_request, write_export
    from core.dataio.jobs import Params
    from core.permissions.errors import NotFound, Refused
    from core.permissions.gate import Gate

    pairs = []
    for item in filters:
        name, sep, value = item.partition("=")
        if not sep:
            die(f"--filter {item!r}: write field=value")
        pairs.append((name.strip(), value))
    if search:
        pairs.append(("q", search))
    if sort:
        pairs.append(("sort", sort))

    async def main() -> None:
        kernel, principal = await _session(user_email)
        try:
            gate = await Gate.open(kernel, entity, principal)
            check_export(gate)
            req = export_request(gate, Params(pairs))
            fields = export_columns(gate, [c.strip() for c in columns.split(",") if c.strip()] or None)
            total = await gate.count(req.filters, req.search, req.sort, action=req.action)
            with click.progressbar(length=max(total, 1), label="exporting", file=click.get_text_stream("stderr")) as bar:
                last = 0

                async def progress(done: int) -> None:
                    nonlocal last
                    bar.update(done - last)
                    last = done

                rows = await write_export(gate, req, fields, fmt, Path(output), progress, every=1000)
            await events.record("export", principal=principal, detail={"entity": entity, "rows": rows, "format": fmt,
                                                                        "query": pairs, "file": str(output)})
            click.echo(f"{rows} rows written to {output}")
        except Refused as exc:
            die("; ".join(f"{k}: {v}" for k, v in exc.errors.items()))
        except NotFound:
            die(f"no entity {entity}, or the user may not export it")
        finally:
            await _close()

    asyncio.run(main())


"""``klientela field``: custom fields from the shell, through the same definitions
API as the screen and the REST API (no restart: a running server sees them at once)."""

from __future__ import annotations

import json

import click

from core.cli.common import die, load_settings, run


def _kernel():
    from core.db.bootstrap import bound_kernel

    return bound_kernel(load_settings())


def _call(fn, *args, **kwargs):
    from core.custom_fields.definitions import DefinitionError

    kernel = _kernel()
    try:
        return run(fn(*args, kernel=kernel, **kwargs))
    except DefinitionError as exc:
        die("; ".join(f"{k}: {v}" for k, v in exc.errors.items()))


def _describe(d) -> str:
    f = d.field
    flags = [flag for flag in ("required", "unique", "indexed") if getattr(f, flag)]
    extra = f" -> {f.reference}" if f.reference else ""
    state = " (retired)" if d.retired_at else ""
    return f"{f.name}\t{f.type}{extra}\t{f.label['en']}\t{' '.join(flags) or '-'}{state}"


def definition_options(fn):
    """Options shared by ``add`` and ``edit`` (an option left out of ``edit`` is left unchanged)."""
    options = [
        click.option("--label", "label_en", help="Label (English)."),
        click.option("--label-ru", help="Label (Russian)."),
        click.option("--required/--optional", default=None, help="Whether a value is required."),
        click.option("--default", help="Default value (checked against the field)."),
        click.option("--choice", "choices", multiple=True, help="value=Label[|Метка]; repeat for each choice."),
        click.option("--reference", help="Entity a reference field points to, e.g. contacts.client."),
        click.option("--min", "min_value", help="Minimum (numbers)."),
        click.option("--max", "max_value", help="Maximum (numbers)."),
        click.option("--max-length", type=int, help="Maximum length (text)."),
        click.option("--pattern", help="Regular expression the whole value must match (text)."),
        click.option("--unique/--not-unique", default=None, help="No two live records may share a value."),
        click.option("--indexed/--not-indexed", default=None, help="Build an expression index (fast filter and sort)."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _given(values: dict) -> dict:
    out = {k: v for k, v in values.items() if v is not None and v != ()}
    if "choices" in out:
        out["choices"] = list(out["choices"])
    return out


@click.group()
def field() -> None:
    """Custom fields: list, add, edit, retire, restore, purge."""


@field.command("list")
@click.argument("entity")
@click.option("--retired", is_flag=True, help="Include retired fields.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_command(entity: str, retired: bool, as_json: bool) -> None:
    """List ENTITY's custom fields (e.g. contacts.client)."""
    from core.custom_fields.definitions import known_entity, list_definitions

    kernel = _kernel()
    try:
        known_entity(kernel, entity)
    except Exception as exc:
        die(str(exc))
    items = run(list_definitions(entity, include_retired=retired))
    if as_json:
        click.echo(json.dumps([d.as_json() for d in items], ensure_ascii=False, indent=2))
        return
    for d in items:
        click.echo(_describe(d))
    if not items:
        click.echo(f"{entity} has no custom fields")


@field.command("add")
@click.argument("entity")
@click.argument("name")
@click.option("--type", "type_", required=True, help="text, long_text, integer, decimal, money, date, datetime, boolean, "
              "choice, multi_choice, reference, email, phone, url.")
@definition_options
def add(entity: str, name: str, type_: str, **values) -> None:
    """Add the custom field NAME to ENTITY."""
    from core.custom_fields.definitions import create_field

    given = _given(values)
    label = given.pop("label_en", None)
    if not label:
        die("--label is required")
    created = _call(create_field, entity, name, type_, label, given.pop("label_ru", ""), **given)
    click.echo(f"field {entity}.{created.field.name} added: {_describe(created)}")


@field.command("edit")
@click.argument("entity")
@click.argument("name")
@click.option("--type", "type_", default=None, help="A new type (only while no record holds a value).")
@definition_options
def edit(entity: str, name: str, type_: str | None, **values) -> None:
    """Change settings of ENTITY's field NAME; options not given stay as they are."""
    from core.custom_fields.definitions import update_field

    given = _given(values)
    if type_:
        given["type"] = type_
    if not given:
        die("nothing to change: give at least one option")
    changed = _call(update_field, entity, name, **given)
    click.echo(f"field {entity}.{name} saved: {_describe(changed)}")


@field.command("retire")
@click.argument("entity")
@click.argument("name")
def retire(entity: str, name: str) -> None:
    """Hide the field everywhere; its values are kept until purged."""
    from core.custom_fields.definitions import retire_field

    _call(retire_field, entity, name)
    click.echo(f"field {entity}.{name} retired (values kept; `klientela field restore` brings it back)")


@field.command("restore")
@click.argument("entity")
@click.argument("name")
def restore(entity: str, name: str) -> None:
    """Bring a retired field back, with its values."""
    from core.custom_fields.definitions import restore_field

    _call(restore_field, entity, name)
    click.echo(f"field {entity}.{name} restored")


@field.command("purge")
@click.argument("entity")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Confirm: the field's values are deleted from every record.")
def purge(entity: str, name: str, yes: bool) -> None:
    """Delete a retired field and its values from every record (cannot be undone)."""
    from core.custom_fields.definitions import purge_field

    if not yes:
        die("purging deletes the field's values from every record; repeat with --yes")
    held = _call(purge_field, entity, name)
    click.echo(f"field {entity}.{name} purged; values removed from {held} record(s)")

"""``klientela plugin``: list, inspect, enable, disable, purge."""

from __future__ import annotations

from pathlib import Path

import click

from core.cli.common import die, load_settings, print_lines, run
from core.db.bootstrap import migrate_instance
from core.kernel import effective_edition
from core.plugins.discovery import discover
from core.plugins.lifecycle import LifecycleError, plan_disable, plan_enable, purge as purge_plugin, sync_grants
from core.plugins.resolver import ResolutionError
from core.settings import update_config_file


# A Litestar app's routes are fixed when it is built: a running server goes on
# serving the plugins it started with (GET /health reports "restart_needed").
RESTART_NOTE = (
    "restart the server (klientela serve) and any worker (klientela worker) to apply this; "
    "until then they keep serving the plugins they started with"
)


@click.group()
def plugin() -> None:
    """Installed plugins and their state on this instance."""


@plugin.command("list")
def list_() -> None:
    """Every installed plugin (built-in and from other distributions)."""
    settings = load_settings()
    catalog = discover()
    try:
        enabled = set(effective_edition(settings).plugins)
    except Exception:
        enabled = set()
    for name, manifest in catalog.plugins.items():
        state = "enabled" if name in enabled else "disabled"
        click.echo(f"{name:<20} {str(manifest.version):<8} {state:<9} {manifest.label_for('en')} — {manifest.summary}")
    for name, broken in catalog.broken.items():
        click.echo(f"{name:<20} {'?':<8} {'broken':<9} {broken.error}")


@plugin.command()
@click.argument("name")
def info(name: str) -> None:
    """A plugin's manifest: version, dependencies, features, conflicts."""
    catalog = discover()
    manifest = catalog.get(name)
    if manifest is None:
        if name in catalog.broken:
            die(f"plugin {name!r} is broken: {catalog.broken[name].error}")
        die(f"unknown plugin {name!r} (installed: {', '.join(catalog.plugins)})")
    click.echo(f"{manifest.name} {manifest.version} — {manifest.label_for('en')} / {manifest.label_for('ru')}")
    click.echo(manifest.summary)
    click.echo(f"module: {manifest.module}  folder: {manifest.path}")
    deps = ", ".join(f"{d} {s}".strip() for d, s in manifest.depends.items()) or "-"
    click.echo(f"depends: {deps}")
    click.echo(f"conflicts: {', '.join(manifest.conflicts) or '-'}")
    click.echo("features:")
    for feature in manifest.features.values():
        click.echo(f"  {feature.name}: {feature.label.get('en', feature.name)}")


def _switch(plan, name: str, dry_run: bool, migrate: bool) -> None:
    settings = load_settings()
    try:
        change, after = run(plan(settings, name))
    except (LifecycleError, ResolutionError) as exc:
        die(str(exc))
    print_lines(change.lines())
    if dry_run:
        click.echo("dry run: nothing changed")
        return
    update_config_file(plugins_enable=after.plugins_enable, plugins_disable=after.plugins_disable)
    if migrate:
        for entry in run(migrate_instance(load_settings())):
            click.echo(f"applied {entry}")
        # Without the grants every page of the new plugin is a 404, even for the administrator.
        changes = run(sync_grants(load_settings()))
        click.echo(f"roles: {len(changes)} change(s)" if changes else "roles: up to date")
        for line in changes:
            click.echo(f"  {line}")
    click.echo(f"done: {change.action}d {', '.join(change.plugins)}")
    click.echo(RESTART_NOTE)


@plugin.command()
@click.argument("name")
@click.option("--dry-run", is_flag=True, help="Show what would change, change nothing.")
def enable(name: str, dry_run: bool) -> None:
    """Enable a plugin: create its tables, add its routes, menus and permissions."""
    _switch(plan_enable, name, dry_run, migrate=True)


@plugin.command()
@click.argument("name")
@click.option("--dry-run", is_flag=True, help="Show what would change, change nothing.")
def disable(name: str, dry_run: bool) -> None:
    """Disable a plugin: hide it; its data stays until `klientela plugin purge`."""
    _switch(plan_disable, name, dry_run, migrate=False)


@plugin.command("new")
@click.argument("name")
@click.option("--entity", default="item", show_default=True, help="The name of its first entity (<name>.<entity>).")
@click.option("--path", "parent", default=".", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Where to create the klientela-<name> folder.")
def new(name: str, entity: str, parent: Path) -> None:
    """Start a plugin: a distribution with an entity, a start page, migrations, translations and tests."""
    from core.plugins.scaffold import ScaffoldError, scaffold

    try:
        root = scaffold(name, parent.resolve(), entity)
    except ScaffoldError as exc:
        die(str(exc))
    click.echo(f"created {root}")
    click.echo(f"next: pip install -e {root} && (cd {root} && pytest); then klientela plugin enable {name}")


@plugin.command()
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def purge(name: str, yes: bool) -> None:
    """Delete a disabled plugin's tables and data. Irreversible."""
    settings = load_settings()
    if not yes:
        if not click.get_text_stream("stdin").isatty():
            die("purge deletes data; confirm interactively or pass --yes")
        click.confirm(f"Delete every table and row of plugin {name!r}? This cannot be undone", abort=True)
    try:
        dropped = run(purge_plugin(settings, name))
    except LifecycleError as exc:
        die(str(exc))
    click.echo(f"purged {name}: dropped {', '.join(dropped) or 'no tables'}")

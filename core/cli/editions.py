"""``klientela edition``: list, show and check editions."""

from __future__ import annotations

import click

from core.cli.common import die
from core.editions.loader import EditionError, check, load_edition, stock_editions
from core.plugins.discovery import discover
from core.plugins.resolver import ResolutionError


@click.group()
def edition() -> None:
    """Stock and custom editions."""


@edition.command("list")
def list_() -> None:
    """The stock editions."""
    for name in stock_editions():
        ed = load_edition(name)
        seats = ed.max_users or "unlimited"
        click.echo(f"{name:<10} {ed.label.get('en', name):<10} seats: {seats:<10} {ed.summary}")


@edition.command()
@click.argument("name")
def show(name: str) -> None:
    """Plugins (in load order), features and limits of an edition (stock name or file)."""
    try:
        ed, resolution = check(name, discover())
    except (EditionError, ResolutionError) as exc:
        die(str(exc))
    click.echo(f"edition {ed.name} ({ed.source})")
    if ed.lineage:
        click.echo(f"extends: {' -> '.join(ed.lineage)}")
    click.echo(f"limits: {ed.limits or 'none'}")
    click.echo("plugins, in load order:")
    for manifest in resolution.order:
        feats = sorted(f.split(".", 1)[1] for f in resolution.features if f.startswith(f"{manifest.name}."))
        click.echo(f"  {manifest.name} {manifest.version}  features: {', '.join(feats) or '-'}")
    core = sorted(f.split(".", 1)[1] for f in resolution.features if f.startswith("core."))
    click.echo(f"core features: {', '.join(core) or '-'}")


@edition.command("check")
@click.argument("file")
def check_(file: str) -> None:
    """Accept an edition file or name exactly what is wrong with it."""
    try:
        ed, resolution = check(file, discover())
    except EditionError as exc:
        die(str(exc))
    except ResolutionError as exc:
        click.secho(f"edition {file} is not valid:", fg="red", err=True)
        for problem in exc.problems:
            click.echo(f"  - {problem}", err=True)
        raise SystemExit(1)
    click.echo(f"ok: edition {ed.name!r} resolves to {', '.join(resolution.names)}")

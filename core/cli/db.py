"""``klientela db``: migrations."""

from __future__ import annotations

import click

from core.cli.common import load_settings, run
from core.db.bootstrap import bound_kernel, instance_status, migrate_instance
from core.permissions.roles import sync_builtin_roles
from core.db.engine import redact


@click.group()
def db() -> None:
    """Database migrations."""


@db.command()
def migrate() -> None:
    """Apply pending migrations of core and every enabled plugin, in dependency order."""
    settings = load_settings()
    ran = run(migrate_instance(settings))
    click.echo(f"database: {redact(settings.resolved_database_url)}")
    if not ran:
        click.echo("nothing to migrate: the database is up to date")
    for entry in ran:
        click.echo(f"applied {entry}")
    changes = run(sync_builtin_roles(bound_kernel(settings)))
    click.echo(f"roles: {len(changes)} change(s)" if changes else "roles: up to date")


@db.command()
def status() -> None:
    """Show applied and pending migrations per app; exits 1 when some are pending."""
    settings = load_settings()
    rows = run(instance_status(settings))
    click.echo(f"database: {redact(settings.resolved_database_url)}")
    pending = 0
    for row in rows:
        pending += len(row.pending)
        state = "up to date" if not row.pending else f"{len(row.pending)} pending"
        click.echo(f"{row.app:<20} {len(row.applied):>3} applied  {state}")
        for migration_id in row.pending:
            click.echo(f"  pending {migration_id}")
    if pending:
        click.echo("run: klientela db migrate")
        raise SystemExit(1)

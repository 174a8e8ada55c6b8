"""``klientela init``, ``serve`` and ``demo``."""

from __future__ import annotations

import secrets
import sys

import click

from core.auth.passwords import WeakPassword
from core.auth.users import UserError, ensure_admin
from core.cli.common import die, load_settings, run
from core.db.bootstrap import bound_kernel, instance_status, migrate_instance
from core.db.engine import redact
from core.permissions.roles import sync_builtin_roles
from core.editions.loader import EditionError, check
from core.i18n.system_zone import system_timezone
from core.plugins.discovery import discover
from core.plugins.resolver import ResolutionError
from core.settings import config_path, read_config_file, write_config_file
from core.web.assets import missing_assets

DEMO_EMAIL = "admin@example.com"
DEMO_PASSWORD = "klientela-demo"


def _init(edition: str, database: str | None, email: str | None, password: str | None) -> None:
    try:
        check(edition, discover())
    except (EditionError, ResolutionError) as exc:
        die(str(exc))
    values = read_config_file()
    values["edition"] = edition
    if database:
        values["database_url"] = database
    values.setdefault("secret_key", secrets.token_urlsafe(48))
    # The machine's zone, not UTC: users without a zone of their own read times on it (core/i18n/system_zone.py).
    values.setdefault("timezone", system_timezone())
    load_settings(**{k: v for k, v in values.items() if k in ("edition", "database_url")})  # validate first
    path = write_config_file(values)
    settings = load_settings()
    click.echo(f"config: {path}")
    click.echo(f"database: {redact(settings.resolved_database_url)}")
    click.echo(f"time zone: {settings.timezone}")
    for entry in run(migrate_instance(settings)):
        click.echo(f"applied {entry}")
    if not email:
        if not sys.stdin.isatty():
            die("no administrator given: pass --admin-email and --admin-password (or KLIENTELA_ADMIN_EMAIL/_PASSWORD)")
        email = click.prompt("Administrator email")
    if not password:
        if not sys.stdin.isatty():
            die("no administrator password: pass --admin-password or KLIENTELA_ADMIN_PASSWORD")
        password = click.prompt("Administrator password", hide_input=True, confirmation_prompt=True)
    kernel = bound_kernel(settings)
    changes = run(sync_builtin_roles(kernel))
    click.echo(f"roles: {len(changes)} change(s)" if changes else "roles: up to date")
    try:
        user, created = run(ensure_admin(email, password, kernel.edition.max_users))
    except (UserError, WeakPassword) as exc:
        die(str(exc))
    click.echo(f"administrator {user.email} {'created' if created else 'already exists'}")


@click.command()
@click.option("--edition", default="corp", show_default=True, envvar="KLIENTELA_EDITION", help="Stock edition name or an edition file.")
@click.option("--database", envvar="KLIENTELA_DATABASE_URL", help="sqlite:///path or postgresql://... (default: SQLite in the data dir).")
@click.option("--admin-email", envvar="KLIENTELA_ADMIN_EMAIL")
@click.option("--admin-password", envvar="KLIENTELA_ADMIN_PASSWORD")
def init(edition: str, database: str | None, admin_email: str | None, admin_password: str | None) -> None:
    """Write the config, create the database, run migrations, create the administrator."""
    _init(edition, database, admin_email, admin_password)


def _serve(host: str | None, port: int | None, workers: int | None) -> None:
    import uvicorn

    settings = load_settings()
    if not config_path().exists():
        die(f"no instance at {config_path()}; run: klientela init")
    pending = sum(len(s.pending) for s in run(instance_status(settings)))
    if pending:
        die(f"{pending} migration(s) pending; run: klientela db migrate")
    missing = missing_assets(settings.node_modules)
    if missing:
        click.secho(f"warning: front-end assets missing ({', '.join(missing)}); run: npm ci", fg="yellow", err=True)
    host, port, workers = host or settings.host, port or settings.port, workers or settings.workers
    click.echo(f"Klientela on http://{host}:{port}/ ({workers} worker(s), edition {settings.edition})")
    uvicorn.run("core.app:app_from_env", factory=True, host=host, port=port, workers=workers, log_level="info")


@click.command()
@click.option("--host", help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port (default 8000).")
@click.option("--workers", type=int, help="Worker processes (default 1).")
def serve(host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the web app; refuses to start while migrations are pending."""
    _serve(host, port, workers)


@click.command()
@click.option("--host", help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port (default 8000).")
@click.option("--no-serve", is_flag=True, help="Prepare the demo instance and exit.")
def demo(host: str | None, port: int | None, no_serve: bool) -> None:
    """Init with the corp edition and demo data, then serve."""
    from core.demo import load_demo_data

    _init("corp", None, DEMO_EMAIL, DEMO_PASSWORD)
    settings = load_settings()
    for line in run(load_demo_data(settings)):
        click.echo(line)
    click.echo(f"log in as {DEMO_EMAIL} / {DEMO_PASSWORD}")
    if not no_serve:
        _serve(host, port, 1)

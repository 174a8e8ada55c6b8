"""The ``klientela`` command line."""

from __future__ import annotations

import asyncio
import os
import sys

import click

from core.cli.bench import bench
from core.cli.common import die, load_settings
from core.cli.db import db
from core.cli.dataio import export_command, import_command, import_undo_command
from core.cli.docs import docs
from core.cli.editions import edition
from core.cli.fields import field
from core.cli.i18n import i18n
from core.cli.screenshots import screenshots
from core.cli.jobs import job, worker
from core.cli.plugins import plugin
from core.cli.setup import demo, init, serve
from core.cli.users import token, user
from core.settings import ENV_PREFIX


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data-dir", type=click.Path(file_okay=False), help="Instance folder (KLIENTELA_DATA_DIR; default ./data).")
@click.option("--config", type=click.Path(dir_okay=False), help="Instance TOML file (KLIENTELA_CONFIG).")
def cli(data_dir: str | None, config: str | None) -> None:
    """Klientela CRM: set up, run and administer an instance."""
    if data_dir:
        os.environ[f"{ENV_PREFIX}DATA_DIR"] = os.path.abspath(data_dir)
    if config:
        os.environ[f"{ENV_PREFIX}CONFIG"] = os.path.abspath(config)


for command in (init, serve, demo, db, docs, edition, plugin, bench, user, token, field, worker, job, i18n, screenshots, import_command, import_undo_command, export_command):
    cli.add_command(command)


def _plugin_commands() -> None:
    """Commands contributed by enabled plugins (the register_cli_commands hook)."""
    try:
        from core.kernel import build_kernel

        kernel = build_kernel(load_settings())
    except Exception:
        return  # a broken instance must still reach `klientela edition check` etc.
    for command in kernel.collect("register_cli_commands"):
        if command.name not in cli.commands:
            cli.add_command(command)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] not in cli.commands and not sys.argv[1].startswith("-"):
        _plugin_commands()
    cli(prog_name="klientela")


__all__ = ["main", "cli", "die", "asyncio"]

"""``klientela i18n``: keep the translation catalogs in step with the sources."""

from __future__ import annotations

import click

from core.settings import REPO_ROOT


@click.group()
def i18n() -> None:
    """Translation catalogs (.po files) of core, the themes and the built-in plugins."""


@i18n.command("extract")
def extract_command() -> None:
    """Extract messages from code and templates into every package's catalogs."""
    from core.i18n.extract import packages, update

    for package in packages(REPO_ROOT):
        missing = update(package)
        if missing:
            state = ", ".join(f"{lang}: {n} untranslated" for lang, n in missing.items())
            click.echo(f"{package.name}: {state}")


@i18n.command("check")
@click.option("--lang", default="ru", show_default=True, help="The language to check.")
def check_command(lang: str) -> None:
    """List the messages that lack a translation; exit 1 when there are any."""
    from core.i18n.extract import missing_translations, packages

    total = 0
    for package in packages(REPO_ROOT):
        for message in missing_translations(package, lang):
            total += 1
            click.echo(f"{package.name}: {message}")
    if total:
        raise click.ClickException(f"{total} message(s) without a {lang} translation; run `klientela i18n extract` and fill the .po files")
    click.echo(f"every message has a {lang} translation")

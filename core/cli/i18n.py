"""``klientela i18n``: keep the translation catalogs in step with the sources."""

from __future__ import annotations

import click

from core.settings import REPO_ROOT


@click.group()
def i18n() -> None:
    """Translation catalogs (.po files) of core, the themes and the built-in plugins (or one installed plugin: --plugin)."""


def _packages(plugin: str | None):
    """Klientela's own packages, or the one installed plugin asked for (its folder's ``locale/``)."""
    from core.i18n.extract import Package, packages

    if plugin is None:
        return packages(REPO_ROOT)
    from core.plugins.discovery import discover

    manifest = discover().get(plugin)
    if manifest is None or manifest.path is None:
        raise click.ClickException(f"no installed plugin {plugin!r} (see `klientela plugin list`)")
    return [Package(plugin, manifest.path, manifest.path / "locale")]


PLUGIN_OPTION = click.option(
    "--plugin", metavar="NAME",
    help="Only this installed plugin (a third-party one too): its own folder and its locale/.",
)


@i18n.command("extract")
@PLUGIN_OPTION
def extract_command(plugin: str | None) -> None:
    """Extract messages from code and templates into every package's catalogs."""
    from core.i18n.extract import update

    for package in _packages(plugin):
        missing = update(package)
        if missing:
            state = ", ".join(f"{lang}: {n} untranslated" for lang, n in missing.items())
            click.echo(f"{package.name}: {state}")


@i18n.command("check")
@click.option("--lang", default="ru", show_default=True, help="The language to check.")
@PLUGIN_OPTION
def check_command(lang: str, plugin: str | None) -> None:
    """List the messages that lack a translation; exit 1 when there are any."""
    from core.i18n.extract import missing_translations

    total = 0
    for package in _packages(plugin):
        for message in missing_translations(package, lang):
            total += 1
            click.echo(f"{package.name}: {message}")
    if total:
        raise click.ClickException(f"{total} message(s) without a {lang} translation; run `klientela i18n extract` and fill the .po files")
    click.echo(f"every message has a {lang} translation")

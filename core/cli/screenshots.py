"""``klientela screenshots``: PNGs of the main screens (light, dark, phone)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), default="screenshots", show_default=True,
              help="Folder for the PNG files (<screen>-<variant>.png).")
@click.option("--screen", "screens", multiple=True, help="Only this screen (repeatable); default: all main screens.")
@click.option("--variant", "variants", multiple=True, type=click.Choice(["light", "dark", "phone"]),
              help="Only this variant (repeatable); default: light, dark and phone.")
@click.option("--lang", "language", type=click.Choice(["en", "ru"]), default="en", show_default=True, help="The browser's language.")
@click.option("--theme", default="default", show_default=True, help="Theme of the demo instance.")
@click.option("--url", help="Photograph this running instance instead of a fresh demo one.")
@click.option("--email", help="With --url: the user to sign in as.")
@click.option("--password", help="With --url: their password.")
def screenshots(output, screens, variants, language, theme, url, email, password) -> None:
    """Screenshots of the main screens, in Debian's Chromium, of a throwaway demo instance."""
    from core.web.screenshots import SCREENS, ScreenshotError, screenshots as take

    try:
        saved = take(Path(output), url=url, email=email, password=password, screens=list(screens) or None,
                     variants=list(variants) or None, theme=theme, language=language, report=click.echo)
    except ScreenshotError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{len(saved)} screenshot(s) in {output} (screens: {', '.join(screens or SCREENS)})")

"""``klientela docs``: documentation generated from the code."""

from __future__ import annotations

from pathlib import Path

import click

from core.cli.common import die

# What a plugin author imports: the stable API (core.sdk) first, then the hook
# catalogue, what hooks return, and the signed-in test clients. Not
# core.testing.fixtures: importing it points the process at a test database.
REFERENCE_MODULES = ("core.sdk", "core.hooks.specs", "core.hooks.contributions", "core.testing.clients")


def build_reference(output: Path, modules: tuple[str, ...] = REFERENCE_MODULES) -> Path:
    """Write the HTML reference of ``modules`` (pdoc, from docstrings and signatures) into ``output``."""
    import warnings

    import pdoc
    import pdoc.render

    # Our docstrings use reStructuredText roles (:class:`Gate`), which pdoc turns into links.
    pdoc.render.configure(docformat="restructuredtext", footer_text="Klientela: reference for plugin authors")
    output.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        # Annotations such as list[Field] inside Gate, whose method `list` shadows the
        # builtin there: pdoc shows them as written and warns; nothing is lost.
        warnings.filterwarnings("ignore", message="Error parsing type annotation", category=UserWarning)
        pdoc.pdoc(*modules, output_directory=output)
    return output / "index.html"


@click.group()
def docs() -> None:
    """Documentation generated from the code."""


@docs.command("reference")
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the HTML into (created when missing).")
def reference(output: Path) -> None:
    """The reference for plugin authors: core.sdk (the stable API), the hooks and what they return."""
    try:
        import pdoc  # noqa: F401
    except ImportError:
        die("the reference is built with pdoc: pip install 'klientela[docs]' (or make reference)")
    index = build_reference(output)
    click.echo(f"reference written: {index}")

"""The Jinja environment: theme first, then plugins in resolver order, then core."""

from __future__ import annotations

from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from core.settings import REPO_ROOT

CORE_TEMPLATES = Path(__file__).resolve().parent / "templates"
CORE_STATIC = Path(__file__).resolve().parent / "static"
THEMES_DIR = REPO_ROOT / "themes"
DEFAULT_THEME = "default"


def theme_chain(theme: str) -> list[Path]:
    """The chosen theme, then the default theme it falls back to."""
    names = [theme] if theme == DEFAULT_THEME else [theme, DEFAULT_THEME]
    folders = [THEMES_DIR / name for name in names]
    if not folders[0].is_dir():
        raise ValueError(f"theme {theme!r} not found in {THEMES_DIR}")
    return folders


def search_path(kernel, kind: str) -> list[Path]:
    """Folders named ``kind`` ("templates" or "static") in precedence order."""
    folders = [t / kind for t in theme_chain(kernel.settings.theme)]
    folders += [m.path / kind for m in kernel.plugins if m.path is not None]
    folders.append(CORE_TEMPLATES if kind == "templates" else CORE_STATIC)
    return [f for f in folders if f.is_dir()]


def build_environment(kernel) -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(f)) for f in search_path(kernel, "templates")]),
        # Autoescaping is never off: user data is rendered everywhere.
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        auto_reload=kernel.settings.debug,
    )
    env.install_null_translations(newstyle=True)
    env.globals.update(kernel.collect_dict("register_template_globals"))
    return env

"""The Jinja environment: theme first, then plugins in resolver order, then core."""

from __future__ import annotations

from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, Template, select_autoescape

from core import i18n
from core.i18n import timezones
from core.i18n.formatting import FILTERS as LOCALE_FILTERS

CORE_TEMPLATES = Path(__file__).resolve().parent / "templates"
CORE_STATIC = Path(__file__).resolve().parent / "static"
DEFAULT_THEME = "default"


def theme_chain(settings) -> list[Path]:
    """The chosen theme, then the default theme (shipped with core) it falls back to."""
    from core.settings import REPO_ROOT

    chosen = settings.themes_dir / settings.theme
    if not chosen.is_dir():
        raise ValueError(f"theme {settings.theme!r} not found in {settings.themes_dir}")
    default = REPO_ROOT / "themes" / DEFAULT_THEME
    return [chosen] if chosen.resolve() == default.resolve() else [chosen, default]


def search_path(kernel, kind: str) -> list[Path]:
    """Folders named ``kind`` ("templates" or "static") in precedence order."""
    folders = [t / kind for t in theme_chain(kernel.settings)]
    folders += [m.path / kind for m in kernel.plugins if m.path is not None]
    folders.append(CORE_TEMPLATES if kind == "templates" else CORE_STATIC)
    return [f for f in folders if f.is_dir()]


class LocalizedTemplate(Template):
    """Every render sees ``lang``, the language of the request being served.

    A per-render variable, not an environment global: one environment serves
    requests in several languages at once. A context may still pass its own.
    """

    def new_context(self, vars=None, shared=False, locals=None):
        vars = dict(vars or {})
        vars.setdefault("lang", i18n.current_locale())
        return super().new_context(vars, shared, locals)


def build_environment(kernel) -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(f)) for f in search_path(kernel, "templates")]),
        # Autoescaping is never off: user data is rendered everywhere.
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        auto_reload=kernel.settings.debug,
    )
    env.template_class = LocalizedTemplate
    # _(), gettext, ngettext, {% trans %}: the catalogs of the request's language
    # (core.i18n reads a context variable set per request).
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True, pgettext=i18n.pgettext, npgettext=i18n.npgettext)
    env.filters.update(LOCALE_FILTERS)  # |date, |datetime, |time, |number, |money (core/i18n/formatting.py)
    # A datetime-local input's value on the user's clock, and the zone it is in (core/i18n/timezones.py).
    env.filters["local_input"] = timezones.input_value
    env.globals["current_timezone"] = i18n.current_timezone
    env.globals["timezone_label"] = i18n.timezone_label  # "" on the user's own clock, else the zone's name
    env.globals["label"] = i18n.label  # label(f.label): a {"en", "ru"} dict in the current language
    env.globals.update(kernel.collect_dict("register_template_globals"))
    return env

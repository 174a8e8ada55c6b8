"""Translation of user-facing messages (docs/i18n.md).

``_("text")`` translates ``text`` into the language of the request being
served (or of the job's user); ``ngettext`` picks the plural form by the
language's own rules (Russian has three). The language lives in a context
variable that :class:`core.i18n.middleware.LocaleMiddleware` sets for each
request, so any code — a validator deep in the gate, a template — translates
without being handed a request.

Catalogs are Babel ``.po`` files, one per package (core, each theme, each
plugin), read and compiled in memory at startup (:mod:`core.i18n.catalogs`).
Messages are English in the code; English is also the fallback for a message
a catalog does not have.

Use ``_()`` at the moment a message is shown, never at import time: a
module-level constant translated at import would freeze one language. For
such constants use :func:`lazy`.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from babel.support import LazyProxy, NullTranslations

# The languages a user can pick, in the order the switch shows them.
LANGUAGES: dict[str, str] = {"en": "English", "ru": "Русский"}
DEFAULT_LANGUAGE = "en"

_locale: ContextVar[str] = ContextVar("klientela_locale", default=DEFAULT_LANGUAGE)
# The IANA name of the zone times are shown and typed in (the user's choice,
# else the instance's; core.i18n.timezones converts). Beside the language
# because it is set the same way: per request by the middleware, per job by
# the runner. Stored times are UTC whatever this says.
DEFAULT_TIMEZONE = "UTC"
_timezone: ContextVar[str] = ContextVar("klientela_timezone", default=DEFAULT_TIMEZONE)
# The catalogs of the running app (language -> Translations). A context
# variable rather than a module global because tests build several apps, with
# different plugins and themes, in one process; the middleware sets the app's.
_catalogs: ContextVar[dict | None] = ContextVar("klientela_catalogs", default=None)
_fallback: dict | None = None  # core's own catalogs, loaded on first use outside an app
_NULL = NullTranslations()


def current_locale() -> str:
    return _locale.get()


def set_locale(code: str):
    """Set the language for the current context; returns a token for :func:`reset_locale`."""
    return _locale.set(code if code in LANGUAGES else DEFAULT_LANGUAGE)


def reset_locale(token) -> None:
    _locale.reset(token)


def current_timezone() -> str:
    """The IANA name of the zone of the request or job being served."""
    return _timezone.get()


# Whether the current zone is the user's own choice: a time input then needs no label
# naming it (it is their clock); the instance's zone, or UTC, is named (timezone_label).
_timezone_own: ContextVar[bool] = ContextVar("klientela_timezone_own", default=False)


def set_timezone_own(own: bool):
    """Mark the current zone as the user's own choice (the i18n middleware); a token for :func:`reset_timezone_own`."""
    return _timezone_own.set(bool(own))


def reset_timezone_own(token) -> None:
    _timezone_own.reset(token)


def timezone_label() -> str:
    """The zone to name beside a time a user types or reads: "" on the user's own clock,
    else the zone's IANA name (the instance's zone; UTC, even when chosen, is said)."""
    name = current_timezone()
    return "" if _timezone_own.get() and name != "UTC" else name


def set_timezone(name: str):
    """Set the zone for the current context (an IANA name the caller checked);
    returns a token for :func:`reset_timezone`."""
    return _timezone.set(name or DEFAULT_TIMEZONE)


def reset_timezone(token) -> None:
    _timezone.reset(token)


@contextmanager
def use_timezone(name: str) -> Iterator[None]:
    """Show and read times in zone ``name`` inside the block (jobs, CLI, tests)."""
    token = set_timezone(name)
    try:
        yield
    finally:
        _timezone.reset(token)


def set_catalogs(catalogs: dict):
    return _catalogs.set(catalogs)


@contextmanager
def use_locale(code: str, catalogs: dict | None = None) -> Iterator[None]:
    """Translate in ``code`` inside the block (jobs, CLI, tests)."""
    token = set_locale(code)
    ctoken = _catalogs.set(catalogs) if catalogs is not None else None
    try:
        yield
    finally:
        _locale.reset(token)
        if ctoken is not None:
            _catalogs.reset(ctoken)


def translations(code: str | None = None):
    """The Translations object for ``code`` (default: the current language)."""
    global _fallback
    catalogs = _catalogs.get()
    if catalogs is None:
        if _fallback is None:
            from core.i18n.catalogs import core_catalogs

            _fallback = core_catalogs()
        catalogs = _fallback
    return catalogs.get(code or _locale.get(), _NULL)


def _(message: str) -> str:
    """``message`` in the current request's (or job's) language; English when untranslated."""
    return translations().gettext(message)


gettext = _


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` for ``n`` in the current language.

    Use with ``%(num)d`` (Jinja's ``{% trans count=n %}`` does this itself):
    ``ngettext("%(num)d contact", "%(num)d contacts", n) % {"num": n}``.
    """
    return translations().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translations().pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return translations().npgettext(context, singular, plural, n)


def N_(message: str) -> str:
    """Marks a message for extraction without translating it: for tables of
    messages that are translated later, when shown, by ``_(variable)``."""
    return message


def lazy(message: str) -> LazyProxy:
    """A message translated each time it is turned into text (module-level constants)."""
    return LazyProxy(_, message, enable_cache=False)


def label(labels, code: str | None = None) -> str:
    """The entry of a ``{"en": ..., "ru": ...}`` label for the current language, else English."""
    if isinstance(labels, str):
        return labels
    if not labels:
        return ""
    return labels.get(code or _locale.get()) or labels.get(DEFAULT_LANGUAGE) or next(iter(labels.values()), "")


__all__ = [
    "LANGUAGES", "DEFAULT_LANGUAGE", "DEFAULT_TIMEZONE", "_", "N_", "gettext", "ngettext", "pgettext", "npgettext", "lazy", "label",
    "current_locale", "set_locale", "reset_locale", "set_catalogs", "use_locale", "translations",
    "current_timezone", "set_timezone", "reset_timezone", "use_timezone",
]

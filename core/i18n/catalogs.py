"""Load the ``.po`` catalogs of core, the enabled plugins and the theme chain.

Every package keeps its own catalog, ``<package>/locale/<lang>/LC_MESSAGES/messages.po``
(one domain, ``messages``, per package), next to the templates and code it
translates — a plugin ships its translations like it ships its templates.

The ``.po`` files are compiled in memory when the app starts (Babel's
``read_po`` then ``write_mo``; 0.1–0.3 s for all of them, once per process while
the files are unchanged), so no compiled ``.mo``
binary is kept in git and no build step is needed after a clone.

Precedence follows the template chain: the chosen theme's translation of a
message wins over the default theme's, which wins over a plugin's, which wins
over core's — so an integrator's theme can reword any message.
"""

from __future__ import annotations

import copy
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from core.i18n import LANGUAGES

DOMAIN = "messages"
CORE_LOCALE = Path(__file__).resolve().parent.parent / "locale"


def po_path(locale_dir: Path, lang: str) -> Path:
    return locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def locale_dirs(kernel) -> list[Path]:
    """Folders holding catalogs, lowest precedence first."""
    from core.web.templating import theme_chain

    dirs = [CORE_LOCALE]
    dirs += [m.path / "locale" for m in kernel.plugins if m.path is not None]
    dirs += [t / "locale" for t in reversed(theme_chain(kernel.settings))]
    return [d for d in dirs if d.is_dir()]


# (path, modification time, language) -> compiled catalog. Tests and tools build
# many apps in one process; each file is compiled once while it is unchanged.
_compiled: dict[tuple[str, int, str], Translations] = {}


def compile_po(path: Path, lang: str) -> Translations:
    """A ``.po`` file as a Translations object (fuzzy entries left out, like msgfmt does).

    The result is shared: never change it (``load`` merges into a copy)."""
    key = (str(path), path.stat().st_mtime_ns, lang)
    if key not in _compiled:
        _compiled[key] = _compile(path, lang)
    return _compiled[key]


def _compile(path: Path, lang: str) -> Translations:
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def load(dirs: list[Path], languages=tuple(LANGUAGES)) -> dict[str, Translations]:
    catalogs: dict[str, Translations] = {}
    for lang in languages:
        merged: Translations | None = None
        for folder in dirs:
            path = po_path(folder, lang)
            if not path.is_file():
                continue
            loaded = compile_po(path, lang)
            if merged is None:
                # A copy of the first catalog (it brings the plural rule of its header).
                merged = copy.copy(loaded)
                merged._catalog = dict(loaded._catalog)
                merged.files = list(loaded.files)
            else:
                merged.merge(loaded)  # later folders win
        catalogs[lang] = merged if merged is not None else Translations()
    return catalogs


def app_catalogs(kernel) -> dict[str, Translations]:
    """The catalogs of a kernel's packages, built once per kernel (the app and its
    job workers share them)."""
    cached = kernel.__dict__.get("_catalogs")
    if cached is None:
        cached = kernel.__dict__["_catalogs"] = load(locale_dirs(kernel))
    return cached


def core_catalogs() -> dict[str, Translations]:
    """Core's catalogs alone: for messages translated outside any app (CLI, unit tests)."""
    return load([CORE_LOCALE])

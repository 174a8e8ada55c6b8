"""Extract messages into each package's catalogs, and find what is untranslated.

A *package* is core, a theme folder or a plugin folder; each has its own
``locale/messages.pot`` and ``locale/<lang>/LC_MESSAGES/messages.po``
(``klientela i18n extract`` writes them; translators fill the ``.po``).
Line numbers are left out of the files so that editing a template does not
rewrite every catalog.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from core.i18n import LANGUAGES
from core.i18n.catalogs import CORE_LOCALE, DOMAIN, po_path

# Order matters: the first matching pattern decides (tests are not user-facing).
METHOD_MAP = [
    ("**/tests/**", "ignore"),
    ("**/locale/**", "ignore"),
    ("**/piccolo_migrations/**", "ignore"),
    ("**/templates/**.html", "jinja2.ext:babel_extract"),
    ("**/plugin.toml", "core.i18n.extract:extract_manifest"),
    ("**.py", "python"),
]
OPTIONS_MAP = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
# lazy(): module-level constants translated when shown (core.i18n.lazy);
# N_(): marks a message for extraction where it is translated later by variable.
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy": None, "N_": None}
PROJECT = "Klientela"


@dataclass(frozen=True)
class Package:
    name: str
    root: Path  # the folder scanned for messages
    locale: Path  # where its catalogs live


def packages(repo_root: Path) -> list[Package]:
    """Core, every theme under ``themes/`` and every built-in plugin under ``plugins/``."""
    found = [Package("core", CORE_LOCALE.parent, CORE_LOCALE)]
    for kind in ("themes", "plugins"):
        base = repo_root / kind
        for folder in sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))):
            found.append(Package(f"{kind}/{folder.name}", folder, folder / "locale"))
    return found


def extract(package: Package) -> Catalog:
    catalog = Catalog(project=PROJECT, domain=DOMAIN, charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(package.root), method_map=METHOD_MAP, options_map=OPTIONS_MAP, keywords=KEYWORDS,
        comment_tags=("Translators:",), strip_comment_tags=True,
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def extract_manifest(fileobj, keywords, comment_tags, options):
    """Babel extraction method for ``plugin.toml``: the plugin's and its features'
    ``summary`` (labels are already ``{en, ru}`` tables). Shown with ``_(summary)``."""
    import tomllib

    text = fileobj.read().decode("utf-8")
    data = tomllib.loads(text)
    summaries = [data.get("summary")] + [(f or {}).get("summary") for f in (data.get("features") or {}).values()]
    for summary in summaries:
        if isinstance(summary, str) and summary:
            lineno = next((i for i, line in enumerate(text.splitlines(), 1) if summary in line), 1)
            yield lineno, "_", summary, []


def _write(path: Path, catalog: Catalog) -> None:
    """Write the catalog, unless only its creation date would change (no churn in git)."""
    buffer = BytesIO()
    write_po(buffer, catalog, include_lineno=False, ignore_obsolete=True, width=100)
    text = buffer.getvalue()
    if path.is_file() and _undated(path.read_bytes()) == _undated(text):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text)


def _undated(po: bytes) -> bytes:
    return re.sub(rb'"POT-Creation-Date: [^"]*"\n', b"", po)


def update(package: Package, languages=tuple(LANGUAGES)) -> dict[str, int]:
    """Write the package's template and merge it into each language's ``.po``.

    Returns, per language, how many messages still lack a translation
    (English needs none: the messages are English).
    """
    template = extract(package)
    if not len(template) and not package.locale.is_dir():
        return {}
    _write(package.locale / f"{DOMAIN}.pot", template)
    missing: dict[str, int] = {}
    for lang in languages:
        path = po_path(package.locale, lang)
        if path.is_file():
            with path.open("rb") as fh:
                catalog = read_po(fh, locale=lang, domain=DOMAIN)
            # No fuzzy guessing: a guessed translation shown as real is worse than English.
            catalog.update(template, no_fuzzy_matching=True)
        else:
            catalog = Catalog(locale=lang, domain=DOMAIN, project=PROJECT, charset="utf-8")
            catalog.update(template, no_fuzzy_matching=True)
        _write(path, catalog)
        if lang != "en":
            missing[lang] = len(untranslated(catalog))
    return missing


def untranslated(catalog: Catalog) -> list:
    """Messages with no translation, or only a fuzzy one, or a plural with an empty form."""
    out = []
    for message in catalog:
        if not message.id:
            continue  # the header
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if message.fuzzy or not all(strings) or len(strings) < (catalog.num_plurals if message.pluralizable else 1):
            out.append(message)
    return out


def missing_translations(package: Package, lang: str) -> list[str]:
    """Messages found in the package's sources today that its ``lang`` catalog does not translate.

    Reads the sources, not the ``.pot``, so a string added to a template
    since the last ``klientela i18n extract`` counts as missing too.
    """
    path = po_path(package.locale, lang)
    translated: set = set()
    if path.is_file():
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=lang, domain=DOMAIN)
        bad = {m.id if isinstance(m.id, str) else tuple(m.id) for m in untranslated(catalog)}
        translated = {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id} - bad
    out = []
    for message in extract(package):
        key = message.id if isinstance(message.id, str) else tuple(message.id)
        if message.id and key not in translated:
            out.append(message.id if isinstance(message.id, str) else message.id[0])
    return out

"""Editions are data: which plugins and features are on, and the limits.

A stock edition is a TOML file in this folder. An integrator's edition file
may ``extends`` a stock edition (or another file) and then add or remove
plugins and features and change limits:

    name = "acme"
    extends = "prof"
    add_plugins = ["acme_reports"]
    remove_plugins = ["service"]
    [add_features]
    contacts = ["maps"]
    [remove_features]
    marketing = ["surveys"]
    [limits]
    max_users = 25

Loading only flattens the file; `check` (below) resolves it against what is
installed and reports every problem by name.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from core.plugins.discovery import Catalog
from core.plugins.resolver import Resolution, ResolutionError, resolve

STOCK_DIR = Path(__file__).resolve().parent
STOCK_ORDER = ("basic", "standard", "prof", "corp")
KNOWN_KEYS = {
    "name", "label", "summary", "extends", "plugins", "features", "limits",
    "add_plugins", "remove_plugins", "add_features", "remove_features",
}
KNOWN_LIMITS = {"max_users"}


class EditionError(ValueError):
    pass


@dataclass(frozen=True)
class Edition:
    name: str
    label: dict[str, str]
    plugins: tuple[str, ...]
    features: dict[str, tuple[str, ...]]
    limits: dict[str, int]
    source: str
    summary: str = ""
    lineage: tuple[str, ...] = field(default=())

    def with_overrides(self, enable: list[str], disable: list[str]) -> "Edition":
        """The instance's plugin switches on top of its edition."""
        plugins = (set(self.plugins) | set(enable)) - set(disable)
        return Edition(
            name=self.name, label=self.label, plugins=tuple(sorted(plugins)),
            features={k: v for k, v in self.features.items() if k in plugins or k == "core"},
            limits=self.limits, source=self.source, summary=self.summary, lineage=self.lineage,
        )

    def resolve(self, catalog: Catalog) -> Resolution:
        return resolve(catalog, list(self.plugins), {k: list(v) for k, v in self.features.items()})

    @property
    def max_users(self) -> int | None:
        return self.limits.get("max_users")


def stock_editions() -> list[str]:
    return [name for name in STOCK_ORDER if (STOCK_DIR / f"{name}.toml").exists()]


def _locate(ref: str, relative_to: Path | None) -> Path:
    if ref in stock_editions():
        return STOCK_DIR / f"{ref}.toml"
    path = Path(ref)
    if not path.is_absolute() and relative_to is not None:
        candidate = relative_to / path
        if candidate.exists():
            return candidate
    if path.exists():
        return path.resolve()
    raise EditionError(f"unknown edition {ref!r} (stock: {', '.join(stock_editions())}; or a path to a .toml file)")


def load_edition(ref: str | Path, _chain: tuple[str, ...] = ()) -> Edition:
    path = _locate(str(ref), None) if not _chain else Path(ref)
    key = str(path.resolve())
    if key in _chain:
        names = [Path(p).stem for p in _chain + (key,)]
        raise EditionError(f"edition extends itself in a loop: {' -> '.join(names)}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise EditionError(f"{path}: not valid TOML: {exc}") from exc
    unknown = set(data) - KNOWN_KEYS
    if unknown:
        raise EditionError(f"{path}: unknown keys {sorted(unknown)} (allowed: {sorted(KNOWN_KEYS)})")
    limits = data.get("limits") or {}
    bad_limits = set(limits) - KNOWN_LIMITS
    if bad_limits:
        raise EditionError(f"{path}: unknown limits {sorted(bad_limits)} (known: {sorted(KNOWN_LIMITS)})")
    for lname, value in limits.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise EditionError(f"{path}: limits.{lname} must be a whole number of at least 1, got {value!r}")

    if "extends" in data:
        if "plugins" in data or "features" in data:
            raise EditionError(f"{path}: an edition that extends another uses add_/remove_ keys, not plugins/features")
        base = load_edition(_locate(data["extends"], path.parent), _chain + (key,))
        plugins = set(base.plugins)
        features = {k: set(v) for k, v in base.features.items()}
        merged_limits = dict(base.limits)
        lineage = base.lineage + (base.name,)
    else:
        for word in ("add_plugins", "remove_plugins", "add_features", "remove_features"):
            if word in data:
                raise EditionError(f"{path}: {word} needs extends (a base edition to change)")
        plugins, features, merged_limits, lineage = set(), {}, {}, ()
        plugins |= set(_str_list(data.get("plugins", []), path, "plugins"))
        for owner, names in (data.get("features") or {}).items():
            features[owner] = set(_str_list(names, path, f"features.{owner}"))

    plugins |= set(_str_list(data.get("add_plugins", []), path, "add_plugins"))
    removed = set(_str_list(data.get("remove_plugins", []), path, "remove_plugins"))
    plugins -= removed
    for owner in removed:
        features.pop(owner, None)
    for owner, names in (data.get("add_features") or {}).items():
        features.setdefault(owner, set()).update(_str_list(names, path, f"add_features.{owner}"))
    for owner, names in (data.get("remove_features") or {}).items():
        features.setdefault(owner, set()).difference_update(_str_list(names, path, f"remove_features.{owner}"))
    merged_limits.update(limits)

    label = data.get("label", data.get("name", path.stem))
    return Edition(
        name=data.get("name", path.stem),
        label=label if isinstance(label, dict) else {"en": str(label)},
        plugins=tuple(sorted(plugins)),
        features={k: tuple(sorted(v)) for k, v in sorted(features.items()) if v},
        limits=merged_limits,
        source=str(path),
        summary=data.get("summary", ""),
        lineage=lineage,
    )


def _str_list(value, path: Path, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise EditionError(f"{path}: {key} must be a list of names")
    return value


def check(ref: str | Path, catalog: Catalog) -> tuple[Edition, Resolution]:
    """Load and resolve; raises EditionError or ResolutionError naming every problem."""
    edition = load_edition(ref)
    try:
        return edition, edition.resolve(catalog)
    except ResolutionError as exc:
        raise ResolutionError([f"edition {edition.name!r}: {p}" for p in exc.problems]) from None

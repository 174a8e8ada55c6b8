"""The plugin manifest: what a plugin is, readable without importing it.

A manifest is ``plugin.toml`` beside the plugin's ``__init__.py``. The resolver
reasons over manifests only, so a plugin whose code is broken (or whose
dependencies are missing) can still be listed, checked and explained.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
MANIFEST_FILE = "plugin.toml"
KNOWN_KEYS = {"name", "label", "version", "summary", "depends", "features", "conflicts"}


class ManifestError(ValueError):
    """A manifest that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Feature:
    name: str
    label: dict[str, str]
    summary: str = ""


@dataclass(frozen=True)
class Manifest:
    name: str
    label: dict[str, str]
    version: Version
    summary: str
    depends: dict[str, SpecifierSet]
    features: dict[str, Feature]
    conflicts: tuple[str, ...]
    module: str = ""  # the module registered with the plugin manager (hook implementations)
    package: str = ""  # the package holding plugin.toml, piccolo_app.py, templates/, static/
    path: Path | None = None
    builtin: bool = False
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    def label_for(self, lang: str = "en") -> str:
        return self.label.get(lang) or self.label.get("en") or self.name


def _label(value, where: str) -> dict[str, str]:
    if isinstance(value, str):
        return {"en": value}
    if isinstance(value, dict) and value and all(isinstance(v, str) for v in value.values()):
        return dict(value)
    raise ManifestError(f"{where}: label must be a string or a table of language = text")


def parse_manifest(
    data: dict, source: str, module: str = "", path: Path | None = None, package: str = ""
) -> Manifest:
    unknown = set(data) - KNOWN_KEYS
    if unknown:
        raise ManifestError(f"{source}: unknown keys {sorted(unknown)} (allowed: {sorted(KNOWN_KEYS)})")
    for key in ("name", "version", "label"):
        if key not in data:
            raise ManifestError(f"{source}: missing required key {key!r}")
    name = data["name"]
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise ManifestError(
            f"{source}: name {name!r} must be lower-case letters, digits and _ (2-40 chars, letter first)"
        )
    try:
        version = Version(str(data["version"]))
    except InvalidVersion as exc:
        raise ManifestError(f"{source}: version {data['version']!r} is not a valid version") from exc
    depends: dict[str, SpecifierSet] = {}
    for dep, spec in (data.get("depends") or {}).items():
        try:
            depends[dep] = SpecifierSet(spec if isinstance(spec, str) else "")
        except InvalidSpecifier as exc:
            raise ManifestError(f"{source}: depends.{dep} has an invalid version range {spec!r}") from exc
    if name in depends:
        raise ManifestError(f"{source}: a plugin cannot depend on itself")
    features: dict[str, Feature] = {}
    for fname, fdata in (data.get("features") or {}).items():
        if not NAME_RE.match(fname):
            raise ManifestError(f"{source}: feature name {fname!r} is not a valid name")
        fdata = fdata or {}
        features[fname] = Feature(
            name=fname,
            label=_label(fdata.get("label", fname), f"{source}: features.{fname}"),
            summary=fdata.get("summary", ""),
        )
    conflicts = data.get("conflicts") or []
    if not isinstance(conflicts, list) or not all(isinstance(c, str) for c in conflicts):
        raise ManifestError(f"{source}: conflicts must be a list of plugin names")
    return Manifest(
        name=name,
        label=_label(data["label"], f"{source}: label"),
        version=version,
        summary=str(data.get("summary", "")),
        depends=depends,
        features=features,
        conflicts=tuple(sorted(conflicts)),
        module=module,
        package=package or module,
        path=path,
        raw=data,
    )


def load_manifest(directory: Path, module: str = "", package: str = "") -> Manifest:
    file = directory / MANIFEST_FILE
    if not file.exists():
        raise ManifestError(f"{file}: no manifest (every plugin needs a {MANIFEST_FILE})")
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{file}: not valid TOML: {exc}") from exc
    return parse_manifest(data, str(file), module=module, path=directory, package=package)

"""Find installed plugins: every entry point in the ``klientela.plugins`` group.

The built-in plugins are registered under that group by Klientela's own
``pyproject.toml``, exactly as a third-party distribution registers its own, so
one code path serves both. Discovery locates each plugin's folder with
``importlib.util.find_spec`` and reads its manifest; it does not import the
plugin, so a broken plugin is reported, not fatal.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

from core.plugins.manifest import Manifest, ManifestError, load_manifest

ENTRY_POINT_GROUP = "klientela.plugins"
CORE_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Broken:
    """An installed entry point whose manifest could not be read."""

    name: str
    module: str
    error: str


@dataclass(frozen=True)
class Catalog:
    """Everything installed: usable manifests by name, and the broken ones."""

    plugins: dict[str, Manifest]
    broken: dict[str, Broken]
    core: Manifest

    def get(self, name: str) -> Manifest | None:
        return self.plugins.get(name)


def core_manifest() -> Manifest:
    return load_manifest_file(CORE_DIR / "manifest.toml", module="core")


def load_manifest_file(file: Path, module: str) -> Manifest:
    import tomllib

    from core.plugins.manifest import parse_manifest

    return parse_manifest(tomllib.loads(file.read_text("utf-8")), str(file), module=module, path=file.parent)


def _package_dir(module: str) -> tuple[Path, str]:
    """The folder and dotted name of the package that holds the plugin.

    An entry point may name the package itself or a module inside it
    (``plugins.contacts.plugin``); only the parent package is imported to find it.
    """
    spec = importlib.util.find_spec(module)
    if spec is None:
        raise ManifestError(f"module {module!r} is not importable")
    if spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0]), module
    if spec.origin:
        return Path(spec.origin).parent, module.rpartition(".")[0] or module
    raise ManifestError(f"module {module!r} has no location on disk")


def discover(extra: dict[str, str] | None = None) -> Catalog:
    """Read every installed plugin's manifest.

    ``extra`` maps name -> module for plugins that are not installed as
    distributions (tests use it to add a plugin from a temporary folder).
    """
    found: dict[str, str] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(ep.name, ep.value.split(":")[0])
    found.update(extra or {})
    plugins: dict[str, Manifest] = {}
    broken: dict[str, Broken] = {}
    for name in sorted(found):
        module = found[name]
        try:
            folder, package = _package_dir(module)
            manifest = load_manifest(folder, module=module, package=package)
            if manifest.name != name:
                raise ManifestError(
                    f"entry point {name!r} points at a plugin whose manifest is named {manifest.name!r}; "
                    "one name everywhere"
                )
            if name == "core":
                raise ManifestError("'core' is reserved")
        except (ManifestError, ImportError, OSError) as exc:
            broken[name] = Broken(name=name, module=module, error=str(exc))
            continue
        plugins[name] = manifest
    return Catalog(plugins=plugins, broken=broken, core=core_manifest())

"""Layering, derived from the manifests: core imports no plugin; a plugin imports
another plugin only if its manifest depends on it (then only that plugin's code).

Static (``ast``), so it covers code no test happens to run. Lazy imports inside
functions count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core.plugins.discovery import discover

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module":
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
    return found


def python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def plugin_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "plugins" and len(parts) > 1 else None


def test_core_imports_no_plugin():
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in python_files(ROOT / "core")
        for module in imported_modules(path)
        if module == "plugins" or plugin_of(module)
    ]
    assert offenders == []


@pytest.mark.parametrize("name", sorted(m.name for m in discover().plugins.values() if m.module.startswith("plugins.")))
def test_a_plugin_imports_only_plugins_it_depends_on(name):
    manifest = discover().plugins[name]
    allowed = {name, *manifest.depends}
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in python_files(ROOT / "plugins" / name)
        for module in imported_modules(path)
        if plugin_of(module) and plugin_of(module) not in allowed
    ]
    assert offenders == []


def test_the_scanner_sees_every_kind_of_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import plugins.sales.tables\nfrom plugins.service import api\n"
        "def f():\n    from plugins.marketing.x import y\n    importlib.import_module('plugins.contacts.z')\n"
        "from . import sibling\n",
        encoding="utf-8",
    )
    assert {plugin_of(m) for m in imported_modules(sample)} - {None} == {"sales", "service", "marketing", "contacts"}

"""A fresh plugin manager per app: never a module-level global.

Tests build apps with different plugin sets in one process, and two apps in
one process must not see each other's hooks.
"""

from __future__ import annotations

import importlib

import pluggy

from core.hooks import PROJECT
from core.hooks.specs import KlientelaSpecs
from core.plugins.manifest import Manifest

# Core's own contributions, registered through the same hooks as plugins.
BUILTIN_MODULES = (
    "core.web.builtin",
    "core.db.builtin",
    "core.auth.builtin",
    "core.entities.builtin",
    "core.audit.builtin",
    "core.custom_fields.builtin",
    "core.jobs.builtin",
    "core.dataio.builtin",
    "core.documents.builtin",
    "core.notifications.builtin",
    "core.kanban.builtin",
    "core.search.builtin",
    "core.dashboard.builtin",
    "core.i18n.builtin",
)


def build_plugin_manager(order: tuple[Manifest, ...]) -> pluggy.PluginManager:
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(KlientelaSpecs)
    for module_name in BUILTIN_MODULES:
        pm.register(importlib.import_module(module_name), name=f"core:{module_name}")
    # pluggy calls the most recently registered implementation first; plugins
    # are registered in resolver order so a dependent plugin runs before what
    # it depends on and can refine its contributions.
    for manifest in order:
        module = importlib.import_module(manifest.module)
        pm.register(module, name=manifest.name)
    pm.check_pending()
    return pm


def flatten(results) -> list:
    """Hook results are a list per implementation; most hooks return lists."""
    out: list = []
    for item in results:
        if item is None:
            continue
        if isinstance(item, (list, tuple)):
            out.extend(item)
        else:
            out.append(item)
    return out

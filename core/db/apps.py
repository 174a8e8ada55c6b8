"""Which Piccolo apps exist: core's, then each plugin's ``piccolo_app`` module."""

from __future__ import annotations

import importlib
import importlib.util

from piccolo.conf.apps import AppConfig

from core.plugins.manifest import Manifest

CORE_APP_MODULE = "core.db.piccolo_app"
# Core's Piccolo apps, in migration order: users/roles first, then the audit trail, notifications.
CORE_APP_MODULES = (CORE_APP_MODULE, "core.audit.piccolo_app", "core.notifications.piccolo_app", "core.dataio.piccolo_app",
                    "core.documents.piccolo_app")


def app_module(manifest: Manifest) -> str | None:
    name = f"{manifest.package}.piccolo_app"
    try:
        return name if importlib.util.find_spec(name) else None
    except ModuleNotFoundError:
        return None


def app_config(module: str) -> AppConfig:
    config = importlib.import_module(module).APP_CONFIG
    return config


def app_configs(order: tuple[Manifest, ...]) -> list[AppConfig]:
    """Core first, then plugins in resolver order (dependencies first)."""
    modules = list(CORE_APP_MODULES) + [m for m in (app_module(p) for p in order) if m]
    return [app_config(m) for m in modules]

"""Piccolo's configuration module (``PICCOLO_CONF``).

Used by Piccolo itself (the engine for its migration manager) and by the
``piccolo`` CLI when a developer generates a migration:

    KLIENTELA_DATABASE_URL=postgresql://... piccolo migrations new contacts --auto

The registry lists every installed plugin's app, enabled or not, so a
migration can be generated for any of them.
"""

from piccolo.conf.apps import AppRegistry

from core.db.apps import CORE_APP_MODULES, app_module
from core.db.engine import get_engine
from core.plugins.discovery import discover

DB = get_engine()

APP_REGISTRY = AppRegistry(
    apps=list(CORE_APP_MODULES) + [m for m in (app_module(p) for p in discover().plugins.values()) if m]
)

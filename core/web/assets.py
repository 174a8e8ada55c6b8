"""Front-end packages from npm, served locally under ``/static/vendor/``.

Each entry maps a URL folder to a folder inside ``node_modules`` (installed
from package.json and package-lock.json). Only these folders are exposed,
never node_modules as a whole. Nothing is loaded from a CDN.
"""

from __future__ import annotations

from pathlib import Path

VENDOR = {
    "htmx": "htmx.org/dist",
    "htmx-ext-sse": "htmx-ext-sse/dist",
    "swagger-ui": "swagger-ui-dist",
    "sortablejs": "sortablejs",
    "leaflet": "leaflet/dist",
    "event-calendar": "@event-calendar/build/dist",
}


def vendor_dirs(node_modules: Path) -> dict[str, Path]:
    return {name: node_modules / sub for name, sub in VENDOR.items()}


def missing_assets(node_modules: Path) -> list[str]:
    return [f"{name} ({path})" for name, path in vendor_dirs(node_modules).items() if not path.is_dir()]

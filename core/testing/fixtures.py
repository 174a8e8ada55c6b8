"""Fixtures every test suite reuses (core's and plugins'): ``pytest_plugins``.

The process-wide engine is chosen when this module is imported (field notes:
Piccolo caches the engine per table on first use), so it must be imported by
the root conftest before any table is touched.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import httpx
import pytest

from core.testing.cli import Instance
from core.testing.databases import fresh_database_url, on_postgres, pg_admin_url, reset_postgres_schema

_SESSION_DIR = Path(tempfile.mkdtemp(prefix="klientela-tests-"))
if on_postgres():
    SESSION_DB_URL = pg_admin_url()
    reset_postgres_schema(SESSION_DB_URL)
else:
    SESSION_DB_URL = f"sqlite:///{_SESSION_DIR / 'session.sqlite3'}"

os.environ["KLIENTELA_DATA_DIR"] = str(_SESSION_DIR)
os.environ["KLIENTELA_DATABASE_URL"] = SESSION_DB_URL
os.environ["KLIENTELA_CONFIG"] = str(_SESSION_DIR / "absent.toml")
os.environ["PICCOLO_CONF"] = "core.db.piccolo_conf"
for key in ("KLIENTELA_EDITION", "KLIENTELA_PLUGINS_ENABLE", "KLIENTELA_PLUGINS_DISABLE", "KLIENTELA_THEME"):
    os.environ.pop(key, None)


def make_settings(**overrides):
    from core.settings import Settings

    values = {"database_url": SESSION_DB_URL, "data_dir": _SESSION_DIR, "edition": "corp"}
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="session")
def settings():
    return make_settings()


@pytest.fixture(scope="session")
async def migrated(settings):
    """The session database with core and every corp plugin migrated."""
    from core.db.bootstrap import migrate_instance

    await migrate_instance(settings)
    return settings


@pytest.fixture
def app_factory(migrated):
    """Build an app for any edition or settings change; all share the session database."""
    from core.app import create_app

    def build(**overrides):
        return create_app(make_settings(**overrides))

    return build


@pytest.fixture
async def client(app_factory):
    """An httpx client on the corp app, inside its lifespan (same loop as the test)."""
    app = app_factory()
    async with serving(app) as c:
        yield c


class serving:
    """``async with serving(app) as client``: startup, an httpx client, shutdown.

    Calls the app's startup/shutdown directly rather than Litestar's lifespan
    context: an async fixture's setup and teardown run in different tasks,
    which anyio's cancel scopes inside the lifespan refuse.
    """

    def __init__(self, app, base_url: str = "http://testserver"):
        self.app, self.base_url = app, base_url

    async def __aenter__(self) -> httpx.AsyncClient:
        from core.app import startup

        await startup(self.app)
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url=self.base_url)
        return self.client

    async def __aexit__(self, *exc) -> None:
        from core.app import shutdown

        await self.client.aclose()
        await shutdown(self.app)


@pytest.fixture
def instance(tmp_path) -> Instance:
    """A private instance (own data dir, own database) for CLI tests."""
    return Instance(data_dir=tmp_path / "data", database_url=fresh_database_url(tmp_path, "cli"))


def with_dependencies(*names: str) -> list[str]:
    """The plugins named plus everything they depend on (the minimal app for a plugin's tests)."""
    from core.plugins.discovery import discover

    catalog = discover()
    wanted, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in wanted or name == "core":
            continue
        wanted.add(name)
        todo += list(catalog.plugins[name].depends)
    return sorted(wanted)


@pytest.fixture
def plugin_client_factory(app_factory):
    """``async with plugin_client_factory("sales") as client``: an app with only that plugin and its deps."""
    from core.editions.loader import load_edition

    def build(*names: str, edition: str = "corp"):
        keep = set(with_dependencies(*names))
        drop = sorted(set(load_edition(edition).plugins) - keep)
        return serving(app_factory(edition=edition, plugins_disable=drop))

    return build

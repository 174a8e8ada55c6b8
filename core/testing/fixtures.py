"""Fixtures every test suite reuses (core's and plugins'): ``pytest_plugins``.

The process-wide engine is chosen when this module is imported (field notes:
Piccolo caches the engine per table on first use), so it must be imported by
the root conftest before any table is touched.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

import pytest

from core.testing.cli import Instance
from core.testing.clients import BASE_URL, login, logout, serving  # noqa: F401 (re-exported for suites)
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


# Plugins enabled on top of the corp edition for the whole session: a plugin
# outside the stock editions names itself here, so the session database is
# migrated for it and the stock roles get its grants. Set in the suite's
# pytest configuration (``klientela_plugins = ["fleet"]`` under
# ``[tool.pytest.ini_options]``) or in ``KLIENTELA_TEST_PLUGINS=fleet,other``.
EXTRA_PLUGINS: list[str] = [p.strip() for p in os.environ.get("KLIENTELA_TEST_PLUGINS", "").split(",") if p.strip()]


def pytest_addoption(parser):
    parser.addini(
        "klientela_plugins",
        "Klientela plugins to enable on top of the corp edition for the session (a third-party plugin's own tests)",
        type="linelist",
        default=[],
    )


def pytest_configure(config):
    for name in config.getini("klientela_plugins"):
        if name not in EXTRA_PLUGINS:
            EXTRA_PLUGINS.append(name)


# The administrator every suite's ``client`` signs in as (created once per session).
ADMIN_EMAIL = "admin@klientela-tests.example"
ADMIN_PASSWORD = "admin-pass-for-tests"
TEST_SECRET_KEY = "tests-only-secret-key-0123456789abcdef"
# The password ``make_user`` gives when none is asked for.
USER_PASSWORD = "user-pass-for-tests"


def make_settings(**overrides):
    from core.settings import Settings

    values = {
        "database_url": SESSION_DB_URL, "data_dir": _SESSION_DIR, "edition": "corp", "secret_key": TEST_SECRET_KEY,
        "plugins_enable": list(EXTRA_PLUGINS),
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="session")
def settings():
    return make_settings()


@pytest.fixture(scope="session")
async def migrated(settings):
    """The session database with core, every corp plugin and the ``klientela_plugins`` migrated."""
    from core.db.bootstrap import migrate_instance

    await migrate_instance(settings)
    yield settings
    # Idle pooled SQLite connections keep threads that call back into the
    # session's loop: close them before the loop closes, not after.
    from core.db.engine import close_pool, get_engine

    await close_pool(get_engine())


@pytest.fixture(scope="session")
async def accounts(migrated):
    """Stock roles synchronised and the tests' administrator created (once per session)."""
    from core.auth.users import ensure_admin
    from core.db.bootstrap import bound_kernel
    from core.permissions.roles import sync_builtin_roles

    kernel = bound_kernel(migrated)
    await sync_builtin_roles(kernel)
    await ensure_admin(ADMIN_EMAIL, ADMIN_PASSWORD)
    return migrated


@pytest.fixture
async def app_factory(accounts):
    """Build an app for any edition or settings change; all share the session database."""
    from core.app import create_app

    built = []

    def build(**overrides):
        from core.notifications.stream import StreamTiming

        app = create_app(make_settings(**overrides))
        # An in-process client reads a response to its end: the live notification
        # stream (five minutes in production) would stall every test that walks the GET routes.
        app.state.notification_stream = StreamTiming(poll=0.05, lifetime=0.2)
        built.append(app)
        return app

    yield build
    # All tests share one loop and one database: an in-process job worker left
    # running by an app whose lifespan never ended would claim later tests' jobs.
    for app in built:
        await stop_job_worker(app)


async def stop_job_worker(app) -> None:
    worker = getattr(app.state, "job_worker", None)
    task = getattr(app.state, "job_worker_task", None)
    if worker is None or task is None or task.done():
        return
    worker.stop()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    app.state.job_worker = None


@pytest.fixture
async def client(app_factory):
    """An httpx client on the corp app, inside its lifespan (same loop as the test),
    signed in as the administrator through the real login form."""
    app = app_factory()
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as c:
        yield c


@pytest.fixture
async def anonymous(app_factory):
    """An httpx client on the corp app, not signed in."""
    async with serving(app_factory()) as c:
        yield c


@pytest.fixture
def make_user(accounts):
    """``await make_user("ann@example.com", roles=["sales_manager"], team="North", department="Sales")``.

    Creates an active user (password ``USER_PASSWORD`` unless given; no
    temporary-password step) with those roles, in that team and department
    (created by name when missing; a department given as "Sales/North" is a
    path in the tree). Returns the ``User`` row. Emails must be unique in the
    session: add a suffix (``unique_email``) when a test may run twice.
    """
    from core.auth import org
    from core.auth.tables import Department
    from core.auth.users import create_user, set_teams

    async def department_path(path: str):
        parent = None
        for name in path.split("/"):
            query = Department.objects().where(Department.name == name)
            query = query.where(Department.parent.is_null() if parent is None else Department.parent == parent.id)
            found = await query.first()
            parent = found or await org.create_department(name, parent.id if parent else None)
        return parent

    async def make(email: str | None = None, roles=(), team=None, department=None, password: str = USER_PASSWORD, name: str = ""):
        email = email or unique_email("user")
        department_id = (await department_path(department)).id if department else None
        user, _ = await create_user(email, name=name, password=password, roles=list(roles), department=department_id)
        teams = [team] if isinstance(team, str) else list(team or [])
        if teams:
            await set_teams(user.id, [(await org.team_by_name(t, create=True)).id for t in teams])
        return user

    return make


async def custom_role(grants: dict[str, str], hidden=(), readonly=()):
    """A non-stock role with exactly these grants (permission -> scope) and field
    rules (``hidden``/``readonly``: (entity key, field) pairs). Returns the ``Role`` row."""
    import uuid

    from core.permissions.tables import Role, RoleFieldRule, RoleGrant

    role = Role(key=f"t_{uuid.uuid4().hex[:10]}", label_en="Test role", builtin=False)
    await role.save()
    await RoleGrant.insert(*[RoleGrant(role=role.id, permission=p, scope=s) for p, s in grants.items()])
    rules = [RoleFieldRule(role=role.id, entity=e, field=f, access="hidden") for e, f in hidden]
    rules += [RoleFieldRule(role=role.id, entity=e, field=f, access="readonly") for e, f in readonly]
    if rules:
        await RoleFieldRule.insert(*rules)
    return role


def unique_email(label: str = "user") -> str:
    import uuid

    return f"{label}-{uuid.uuid4().hex[:10]}@klientela-tests.example"


@pytest.fixture
def client_as(app_factory):
    """``async with client_as(user_or_email, password=USER_PASSWORD, **settings) as c``: a signed-in client."""

    def build(who, password: str = USER_PASSWORD, **overrides):
        email = who if isinstance(who, str) else who.email
        return serving(app_factory(**overrides), login=(email, password))

    return build


async def run_due_jobs(kernel) -> None:
    """Work every job that is due to its end, then return — on the suite's engine
    (procrastinate on PostgreSQL, the in-process loop on SQLite), as a worker would.

    Build the kernel's app with ``app_factory(jobs_in_process=False)`` so that no
    other worker takes the job first.
    """
    from core.jobs.api import close_queue, run_worker

    try:
        await run_worker(kernel.settings, kernel=kernel, once=True, signals=False, poll=0.05)
    finally:
        await close_queue(kernel)


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
    """``async with plugin_client_factory("sales") as client``: an app with only that plugin and its deps,
    signed in as the administrator. A plugin outside the stock editions must be
    in ``klientela_plugins`` (so the session database has its tables and grants)."""
    from core.editions.loader import load_edition

    def build(*names: str, edition: str = "corp"):
        keep = set(with_dependencies(*names))
        unknown = sorted(keep - set(load_edition(edition).plugins) - set(EXTRA_PLUGINS))
        if unknown:
            pytest.fail(
                f"{', '.join(unknown)} is not in the {edition} edition: add it to klientela_plugins "
                "in the pytest configuration (or KLIENTELA_TEST_PLUGINS), see docs/plugins.md",
                pytrace=False,
            )
        drop = sorted((set(load_edition(edition).plugins) | set(EXTRA_PLUGINS)) - keep)
        return serving(app_factory(edition=edition, plugins_disable=drop), login=(ADMIN_EMAIL, ADMIN_PASSWORD))

    return build


async def check_plugin_alone(plugin_client_factory, name: str, title: str) -> None:
    """A plugin's page works in an app with only it and its dependencies, and nothing else shows.

    Each built-in plugin's own tests call this; a third-party plugin can too.
    """
    from core.plugins.discovery import discover

    present = set(with_dependencies(name))
    async with plugin_client_factory(name) as client:
        page = await client.get(f"/{name}/")
        assert page.status_code == 200
        assert f"<h1>{title}</h1>" in page.text
        home = (await client.get("/")).text
        for other in sorted(set(discover().plugins) - {"notes"}):
            assert (f'href="/{other}/"' in home) == (other in present), other
            if other not in present:
                assert (await client.get(f"/{other}/")).status_code == 404

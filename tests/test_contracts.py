"""Contracts every installed plugin and the hook catalogue must keep."""

import inspect
from pathlib import Path

import pytest

from core.app import collect_routes, create_app
from core.db.apps import app_config, app_module
from core.db.migrations import migration_modules
from core.hooks.specs import KlientelaSpecs
from core.plugins.discovery import discover
from core.testing.fixtures import make_settings

CATALOG = discover()
MANIFESTS = sorted(CATALOG.plugins.values(), key=lambda m: m.name)
SPECS = [name for name, _ in inspect.getmembers(KlientelaSpecs, inspect.isfunction)]
DOCS = Path(__file__).resolve().parent.parent / "docs" / "hooks.md"


def test_nothing_installed_is_broken():
    assert CATALOG.broken == {}


def test_builtin_plugins_are_installed():
    assert {"contacts", "sales", "marketing", "service", "accounting_bridge"} <= set(CATALOG.plugins)


@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda m: m.name)
def test_one_name_everywhere(manifest):
    if manifest.package.startswith("plugins."):
        assert manifest.package == f"plugins.{manifest.name}"
        assert manifest.path.name == manifest.name
    for kind in ("templates", "static"):
        folder = manifest.path / kind
        if folder.is_dir():
            assert sorted(p.name for p in folder.iterdir()) == [manifest.name], f"{kind}/ holds only {kind}/{manifest.name}/"


@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda m: m.name)
def test_piccolo_app_and_migrations(manifest):
    module = app_module(manifest)
    if module is None:
        pytest.skip("plugin has no tables")
    config = app_config(module)
    assert config.app_name == manifest.name
    expected_deps = {"core.db.piccolo_app"} | {
        app_module(CATALOG.plugins[d]) for d in manifest.depends if d != "core" and app_module(CATALOG.plugins[d])
    }
    assert set(config.migration_dependencies) == expected_deps
    for table in config.table_classes:
        assert table._meta.tablename.startswith(f"{manifest.name}_"), table
    modules = migration_modules(config)
    assert modules, "a plugin with tables ships migrations"


async def test_every_table_is_created_by_its_migrations():
    for manifest in [CATALOG.core] + MANIFESTS:
        module = "core.db.piccolo_app" if manifest.name == "core" else app_module(manifest)
        if module is None:
            continue
        config = app_config(module)
        created = set()
        for migration_id, mod in sorted(migration_modules(config).items()):
            created |= {t.tablename for t in (await mod.forwards()).add_tables}
        assert {t._meta.tablename for t in config.table_classes} <= created, manifest.name


@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda m: m.name)
def test_declarations_use_the_plugin_prefix(manifest, migrated):
    kernel = create_app(make_settings()).state.kernel
    for owner, perms in kernel.collect_by_plugin("register_permissions"):
        for perm in perms:
            assert perm.plugin == owner, f"{owner} declared {perm.name}"
            if perm.feature:
                assert perm.feature.split(".", 1)[0] in (owner, "core")
                assert perm.feature in {f"{owner}.{f}" for f in kernel.catalog.plugins.get(owner, kernel.catalog.core).features}
    for owner, items in kernel.collect_by_plugin("menu_items", request=None):
        for item in items:
            assert owner == "core" or item.url.startswith(f"/{owner}/")


def test_every_hook_is_documented_in_code_and_docs():
    text = DOCS.read_text(encoding="utf-8")
    for name in SPECS:
        doc = inspect.getdoc(getattr(KlientelaSpecs, name))
        assert doc and len(doc) > 40, f"hook {name} needs a docstring"
        assert f"### `{name}(" in text, f"docs/hooks.md has no section for {name}"


def test_hook_families_follow_naming():
    for name in SPECS:
        assert name.startswith(("register_", "on_", "resolve_")) or name.endswith("s"), name


def test_every_route_declares_a_permission_or_is_public(migrated):
    """S5 (route inventory), for every route core and the corp plugins add.

    A route is public, needs a permission (``permission``, or ``entity_action``
    on an entity's generic routes: ``<entity key>.<action>``), or is for any signed-in user
    (``authenticated``: home, logout, one's own tokens and password); the
    auth guard answers 404 to everyone on a route that declares none.
    """
    app = create_app(make_settings())
    undeclared = []
    for route in app.routes:
        for handler in route.route_handlers:
            opt = handler.opt
            if route.path.startswith(app.openapi_config.path):
                continue  # Litestar's OpenAPI endpoints: any signed-in user (core/auth/guard.py)
            if getattr(handler, "http_methods", None) == {"OPTIONS"}:
                continue  # Litestar's automatic CORS preflight answer
            declared = opt.get("public") or opt.get("permission") or opt.get("authenticated") or opt.get("entity_action")
            if not declared:
                undeclared.append(route.path)
    assert undeclared == []


def test_routes_outside_the_plugin_prefix_are_refused(migrated):
    from litestar import get

    from core.app import RouteOutsidePrefix
    from core.hooks import hookimpl

    @get("/not-sales", opt={"public": True})
    async def stray() -> str:
        return "x"

    class StraySales:
        @hookimpl
        def register_routes(self, kernel):
            return [stray]

    kernel = create_app(make_settings()).state.kernel
    kernel.pm.unregister(name="sales")
    kernel.pm.register(StraySales(), name="sales")
    with pytest.raises(RouteOutsidePrefix, match="plugin 'sales' registered '/not-sales'"):
        collect_routes(kernel)


def test_template_globals_must_use_the_plugin_prefix(migrated):
    from core.hooks import hookimpl

    class Leaky:
        @hookimpl
        def register_template_globals(self, kernel):
            return {"user": "shadowed"}

    kernel = create_app(make_settings()).state.kernel
    kernel.pm.register(Leaky(), name="service2")
    with pytest.raises(ValueError, match="plugin 'service2' contributed template global 'user'"):
        kernel.collect_dict("register_template_globals")


def test_apps_do_not_share_plugin_managers(migrated):
    basic = create_app(make_settings(edition="basic")).state.kernel
    corp = create_app(make_settings()).state.kernel
    assert basic.pm is not corp.pm
    assert "contacts.maps" not in basic.features.names and "contacts.maps" in corp.features.names


def test_contributions_are_collected_core_first_then_resolver_order(migrated):
    kernel = create_app(make_settings()).state.kernel
    owners = [owner for owner, _ in kernel.collect_by_plugin("register_routes")]
    # Several core modules contribute routes (web, entities, auth): all of them come first.
    plugins_start = next(i for i, owner in enumerate(owners) if owner != "core")
    assert plugins_start >= 1 and owners[:plugins_start] == ["core"] * plugins_start
    assert owners[plugins_start:] == list(kernel.resolution.names)

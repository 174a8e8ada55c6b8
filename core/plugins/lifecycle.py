"""Enable, disable and purge plugins on an instance — always with a dry run first.

Enabling or disabling edits the instance's config file (``plugins_enable`` /
``plugins_disable`` on top of its edition); data is never touched by either.
Only :func:`purge` deletes a plugin's tables, and only for a plugin that is
not enabled.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from piccolo.apps.migrations.tables import Migration

from core.db import migrations
from core.db.apps import app_config, app_module
from core.db.engine import get_engine
from core.kernel import Kernel, build_kernel
from core.plugins.discovery import Catalog
from core.settings import Settings


class LifecycleError(Exception):
    pass


@dataclass
class Change:
    """What switching plugins would do; printed by ``--dry-run`` and returned by the real run."""

    action: str
    plugins: list[str]
    tables_created: list[str] = field(default_factory=list)
    tables_kept: list[str] = field(default_factory=list)
    migrations: list[str] = field(default_factory=list)
    routes: list[str] = field(default_factory=list)
    menu_items: list[str] = field(default_factory=list)
    permissions: list[str] = field(default_factory=list)
    grants: list[str] = field(default_factory=list)
    hooks: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{self.action}: {', '.join(self.plugins) or 'nothing'}"]
        for label, values in (
            ("tables to create", self.tables_created),
            ("tables kept (data stays)", self.tables_kept),
            ("migrations to run", self.migrations),
            ("routes", self.routes),
            ("menu items", self.menu_items),
            ("permissions", self.permissions),
            ("grants to stock roles", self.grants),
            ("hooks", self.hooks),
        ):
            if values:
                out.append(f"  {label} ({len(values)}):")
                out += [f"    {v}" for v in values]
        return out


def _switched(settings: Settings, enable: set[str], disable: set[str]) -> Settings:
    on = (set(settings.plugins_enable) | enable) - disable
    off = (set(settings.plugins_disable) | disable) - enable
    return settings.model_copy(update={"plugins_enable": sorted(on), "plugins_disable": sorted(off)})


def _contributions(kernel: Kernel, owners: set[str], change: Change) -> None:
    from core.app import _paths

    for owner, handlers in kernel.collect_by_plugin("register_routes"):
        if owner in owners:
            change.routes += sorted(p for h in handlers if kernel.features.enabled(_feature(h)) for p in _paths(h))
    for owner, perms in kernel.collect_by_plugin("register_permissions"):
        if owner in owners:
            change.permissions += [p.name for p in kernel.features.gate(perms)]
    for owner, items in kernel.collect_by_plugin("menu_items", request=None):
        if owner in owners:
            change.menu_items += [f"{i.key} -> {i.url}" for i in kernel.features.gate(items)]
    for owner in sorted(owners):
        plugin = kernel.pm.get_plugin(owner)
        change.hooks += sorted(f"{owner}: {c.name}" for c in kernel.pm.get_hookcallers(plugin) or [])


def _feature(handler):
    from core.kernel import feature_of

    return feature_of(handler)


def _tables_of(kernel: Kernel, names: set[str]) -> list[str]:
    out = []
    for manifest in kernel.plugins:
        module = app_module(manifest)
        if manifest.name in names and module:
            out += [t._meta.tablename for t in app_config(module).table_classes]
    return out


async def plan_enable(settings: Settings, name: str, catalog: Catalog | None = None) -> tuple[Change, Settings]:
    before = build_kernel(settings, catalog)
    if name in before.resolution.names:
        raise LifecycleError(f"plugin {name!r} is already enabled")
    after_settings = _switched(settings, {name}, set())
    after = build_kernel(after_settings, catalog)
    added = set(after.resolution.names) - set(before.resolution.names)
    change = Change(action="enable", plugins=sorted(added))
    configs = [app_config(m) for m in (app_module(p) for p in after.plugins if p.name in added) if m]
    pending = await migrations.plan(configs)
    change.tables_created = pending.tables_created
    change.migrations = pending.migrations
    _contributions(after, added, change)
    change.grants = stock_grants(after, set(change.permissions))
    return change, after_settings


def stock_grants(kernel: Kernel, permissions: set[str]) -> list[str]:
    """What the stock roles get on these permissions by default (``role: permission = scope``).

    Enabling writes them (:func:`core.permissions.roles.sync_builtin_roles`),
    so the new plugin's pages open for the administrator at once. A stock role
    an administrator edited only receives permissions it has never seen.
    """
    from core.permissions.roles import default_grants

    return [
        f"{role}: {name} = {scope}"
        for role, grants in default_grants(kernel).items()
        for name, scope in grants.items()
        if name in permissions
    ]


async def sync_grants(settings: Settings, catalog: Catalog | None = None) -> list[str]:
    """Write the stock roles' grants for the plugins now enabled (as ``klientela db migrate`` does)."""
    from core.db.bootstrap import bound_kernel
    from core.permissions.roles import sync_builtin_roles

    return await sync_builtin_roles(bound_kernel(settings, catalog))


async def plan_disable(settings: Settings, name: str, catalog: Catalog | None = None) -> tuple[Change, Settings]:
    before = build_kernel(settings, catalog)
    if name not in before.resolution.names:
        raise LifecycleError(f"plugin {name!r} is not enabled")
    dependents = sorted(m.name for m in before.plugins if name in m.depends)
    if dependents:
        raise LifecycleError(f"cannot disable {name!r}: {', '.join(dependents)} depend(s) on it; disable those first")
    after_settings = _switched(settings, set(), {name})
    build_kernel(after_settings, catalog)  # the remaining set must still resolve
    change = Change(action="disable", plugins=[name])
    change.tables_kept = _tables_of(before, {name})
    _contributions(before, {name}, change)
    return change, after_settings


async def purge(settings: Settings, name: str, catalog: Catalog | None = None) -> list[str]:
    """Drop a disabled plugin's tables and forget its migrations. Irreversible."""
    from core.entities.search_index import drop_search_index

    kernel = build_kernel(settings, catalog)
    if name in kernel.resolution.names:
        raise LifecycleError(f"plugin {name!r} is enabled; disable it before purging its data")
    manifest = kernel.catalog.get(name)
    if manifest is None:
        raise LifecycleError(f"unknown plugin {name!r}")
    module = app_module(manifest)
    if module is None:
        return []
    engine = get_engine(settings)
    dropped = []
    tables = app_config(module).table_classes
    async with engine.transaction():
        # Reverse declaration order: tables referencing others go first.
        for table in reversed(tables):
            table._meta.db = engine
            if await table.table_exists().run():
                await drop_search_index(table._meta.tablename, engine)
                await table.alter().drop_table(if_exists=True).run()
                dropped.append(table._meta.tablename)
        Migration._meta.db = engine
        if await Migration.table_exists().run():
            await Migration.delete().where(Migration.app_name == name).run()
    return dropped

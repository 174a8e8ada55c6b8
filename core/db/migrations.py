"""Run Piccolo migrations per app, in dependency order, on SQLite and PostgreSQL.

Piccolo's own runner imports migration files by bare module name from each
folder, so two apps with a same-named file would collide in ``sys.modules``;
this runner loads each file under a name unique to its app, then drives
Piccolo's ``MigrationManager`` and ``Migration`` table as Piccolo does. Each
migration and its bookkeeping row commit in one transaction.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from piccolo.apps.migrations.tables import Migration
from piccolo.conf.apps import AppConfig

from core.db.engine import get_engine


@dataclass
class AppStatus:
    app: str
    applied: list[str]
    pending: list[str]


@dataclass
class Plan:
    """What pending migrations would do, read from their managers without running them."""

    tables_created: list[str] = field(default_factory=list)
    columns_added: list[str] = field(default_factory=list)
    migrations: list[str] = field(default_factory=list)


def migration_modules(config: AppConfig) -> dict[str, ModuleType]:
    folder = Path(config.resolved_migrations_folder_path)
    modules: dict[str, ModuleType] = {}
    for file in sorted(folder.glob("*.py")):
        if file.name == "__init__.py":
            continue
        unique = f"klientela_migrations.{config.app_name}.{file.stem}"
        spec = importlib.util.spec_from_file_location(unique, file)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        migration_id = getattr(module, "ID", None)
        if not migration_id:
            raise ValueError(f"{file}: a migration file needs an ID")
        modules[migration_id] = module
    return modules


async def _ensure_table() -> None:
    if not await Migration.table_exists().run():
        await Migration.create_table(if_not_exists=True).run()


async def applied_ids(app_name: str) -> list[str]:
    if not await Migration.table_exists().run():
        return []
    return await Migration.get_migrations_which_ran(app_name=app_name)


async def status(configs: list[AppConfig]) -> list[AppStatus]:
    out = []
    for config in configs:
        done = set(await applied_ids(config.app_name))
        ids = sorted(migration_modules(config))
        out.append(AppStatus(config.app_name, [i for i in ids if i in done], [i for i in ids if i not in done]))
    return out


async def pending_count(configs: list[AppConfig]) -> int:
    return sum(len(s.pending) for s in await status(configs))


async def plan(configs: list[AppConfig]) -> Plan:
    result = Plan()
    for entry, config in zip(await status(configs), configs):
        modules = migration_modules(config)
        for migration_id in entry.pending:
            manager = await modules[migration_id].forwards()
            result.migrations.append(f"{config.app_name}:{migration_id}")
            result.tables_created += [t.tablename for t in manager.add_tables]
            result.columns_added += [f"{c.tablename}.{c.column._meta.name}" for c in manager.add_columns.add_columns]
    # Columns of a table created by the same plan are part of "create table".
    result.columns_added = [c for c in result.columns_added if c.split(".", 1)[0] not in result.tables_created]
    return result


async def migrate(configs: list[AppConfig], verbose: bool = False) -> list[str]:
    """Apply every pending migration; returns ``app:id`` of those applied."""
    engine = get_engine()
    await _ensure_table()
    ran: list[str] = []
    for config in configs:
        done = set(await applied_ids(config.app_name))
        modules = migration_modules(config)
        for migration_id in sorted(set(modules) - done):
            manager = await modules[migration_id].forwards()
            # Piccolo prints progress; keep our own output clean unless asked.
            sink = contextlib.nullcontext() if verbose else contextlib.redirect_stdout(io.StringIO())
            with sink:
                async with engine.transaction():
                    await manager.run()
                    await Migration.insert(Migration(name=migration_id, app_name=config.app_name)).run()
            ran.append(f"{config.app_name}:{migration_id}")
    return ran

"""Bring an instance's database up to date with its enabled plugins."""

from __future__ import annotations

from piccolo.apps.migrations.tables import Migration

from core.db import migrations
from core.db.apps import app_configs
from core.db.engine import bind_tables, get_engine
from core.kernel import Kernel, build_kernel
from core.settings import Settings


def bound_kernel(settings: Settings, catalog=None) -> Kernel:
    """A kernel whose tables (core's and enabled plugins') use this instance's engine."""
    kernel = build_kernel(settings, catalog)
    engine = get_engine(settings)
    tables = [t for c in app_configs(kernel.plugins) for t in c.table_classes]
    bind_tables(tables + [Migration], engine)
    return kernel


async def migrate_instance(settings: Settings, catalog=None) -> list[str]:
    kernel = bound_kernel(settings, catalog)
    configs = app_configs(kernel.plugins)
    if await migrations.pending_count(configs):
        from core.auth.stamp import drop_stamp_triggers

        # A watched column may be dropped or changed by a migration; the triggers come back below.
        await drop_stamp_triggers(get_engine(settings))
    ran = await migrations.migrate(configs)
    # Not a Piccolo migration: one index per declared entity, whichever
    # plugin declares it (core.entities.search_index).
    from core.entities.search_index import ensure_search_indexes

    ran += [f"search index: {table}" for table in await ensure_search_indexes(kernel)]
    from core.entities.order_index import ensure_order_indexes

    ran += [f"order index: {name}" for name in await ensure_order_indexes(kernel)]
    from core.entities.prefix_index import ensure_prefix_indexes

    ran += [f"prefix index: {name}" for name in await ensure_prefix_indexes(kernel)]
    # The principal stamp's triggers follow the tables as migrated now (core.auth.stamp).
    from core.auth.stamp import ensure_stamp

    ran += [f"principal stamp: {what}" for what in await ensure_stamp(get_engine(settings))]
    if settings.is_postgres:
        # procrastinate's own tables (the job queue on PostgreSQL, docs/jobs.md); created once.
        from core.jobs.queue_pg import ensure_schema

        if await ensure_schema(settings):
            ran.append("procrastinate schema")
    return ran


async def instance_status(settings: Settings, catalog=None) -> list[migrations.AppStatus]:
    kernel = bound_kernel(settings, catalog)
    return await migrations.status(app_configs(kernel.plugins))

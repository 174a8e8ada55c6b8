"""Core's database contributions through the hooks: the health probe."""

from core.hooks import hookimpl
from core.hooks.contributions import HealthCheck


@hookimpl
def register_health_checks(kernel):
    from core.db.engine import get_engine

    async def database() -> None:
        await get_engine(kernel.settings).run_ddl("SELECT 1")

    return [HealthCheck(name="database", check=database)]

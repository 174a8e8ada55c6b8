"""Custom field tests share the session database: each starts with no custom
fields and no contacts rows, and leaves none behind (a required custom field
left on contacts.client would break every other suite's creates)."""

import pytest

ENTITIES = ("contacts.client", "contacts.contact")


async def wipe(kernel) -> None:
    from core.custom_fields import indexes
    from core.custom_fields.definitions import list_fields
    from core.custom_fields.tables import CustomField
    from core.db.engine import get_engine

    engine = get_engine()
    for key in ENTITIES:
        table = kernel.entities[key].table._meta.tablename
        for spec in await list_fields(key, include_retired=True):
            await indexes.drop_index(table, spec)
    await CustomField.delete(force=True)
    # Deals refer to clients (restricted): other suites' deals go first.
    for table in ("sales_deal_stage_log", "sales_deal_line", "sales_deal", "contacts_contact", "contacts_client"):
        await engine.run_ddl(f"DELETE FROM {table}")


@pytest.fixture
async def kernel(app_factory):
    app = app_factory()
    kernel = app.state.kernel
    await wipe(kernel)
    yield kernel
    await wipe(kernel)


@pytest.fixture
async def api(kernel, client):
    """The administrator's client, on a clean slate."""
    return client

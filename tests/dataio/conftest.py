"""Fixtures of the import/export suite: a clean client table, principals, files."""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

import pytest

from core.permissions.principal import Principal

ENTITY = "contacts.client"
ACTIONS = ("read", "create", "write", "delete", "restore", "assign", "import", "export")
# Deals refer to clients (ON DELETE RESTRICT on PostgreSQL): other suites' deals go first.
CLEARED = ("sales_deal_stage_log", "sales_deal_line", "sales_deal", "contacts_contact", "contacts_client", "core_audit_change", "core_dataio_reject", "core_dataio_run",
           "core_dataio_seen", "core_dataio_xkey", "core_dataio_mapping")


def principal(user=None, scope="all", *, actions=ACTIONS, hidden=(), readonly=(), team=()) -> Principal:
    user = user or uuid.uuid4()
    grants = {f"{key}.{a}": scope for key in ("contacts.client", "contacts.contact") for a in actions}
    return Principal(
        user_id=user, grants=grants, team_member_ids=frozenset(team) | {user}, department_member_ids=frozenset({user}),
        unreadable={ENTITY: frozenset(hidden)}, unwritable={ENTITY: frozenset(readonly)}, ip="127.0.0.1",
    )


@pytest.fixture
async def kernel(app_factory):
    from core.custom_fields.definitions import list_fields, purge_field, retire_field
    from core.db.engine import get_engine

    app = app_factory()
    engine = get_engine()
    for table in CLEARED:
        await engine.run_ddl(f"DELETE FROM {table}")
    for f in await list_fields(ENTITY):
        await retire_field(ENTITY, f.name, kernel=app.state.kernel)
        await purge_field(ENTITY, f.name, kernel=app.state.kernel)
    return app.state.kernel


def write_csv(path: Path, rows: list[list], *, encoding="utf-8", delimiter=",", quoting=csv.QUOTE_MINIMAL) -> Path:
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=delimiter, quoting=quoting).writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


async def client_rows(order="name") -> list[dict]:
    """Every live client as comparable content (ids and timestamps left out)."""
    from piccolo.querystring import QueryString

    from core.db.engine import get_engine

    rows = await get_engine().run_querystring(QueryString(
        f'SELECT "name", "kind", "inn", "email", "phone", "custom", "search_text", "version", "owner_id" '
        f'FROM "contacts_client" WHERE "deleted_at" IS NULL ORDER BY "{order}", "email"'))
    out = []
    for r in rows:
        r = dict(r)
        custom = r["custom"]
        if isinstance(custom, str):
            import json

            custom = json.loads(custom)
        r["custom"] = {k: v for k, v in (custom or {}).items() if v is not None}
        r["owner_id"] = str(r["owner_id"]) if r["owner_id"] else None
        out.append(r)
    return out

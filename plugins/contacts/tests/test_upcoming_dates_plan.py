"""The home page's upcoming dates read the dated cards over the birthday index (EXPLAIN, both engines).

Every home page of Prof and Corp asks for the clients and contact persons
with a birthday. In name order the engine walked every client to find the
few with a date (60–120 ms per page at 50,000 clients); in birthday order,
over ``<table>_by_birthday``, it reads only those.
"""

from __future__ import annotations

import uuid
from datetime import date

from piccolo.querystring import QueryString

from core.db.engine import engine_kind, get_engine
from core.permissions.principal import Principal
from core.testing.plans import query_plan
from plugins.contacts.events_screens import upcoming_dates

READER = Principal(user_id=uuid.uuid4(), grants={f"contacts.{e}.read": "all" for e in ("client", "contact", "event")})
MARK = f"plan-{uuid.uuid4().hex[:8]}-"


async def undated_clients(count: int) -> None:
    """Enough clients without a date that walking them all shows in the plan (one set-based insert)."""
    engine = get_engine()
    if engine_kind(engine) == "sqlite":
        sql = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {}) "
               'INSERT INTO "contacts_client" ("id", "name", "kind", "inn", "email", "phone", "created_at", "updated_at", '
               '"version", "search_text", "custom") '
               "SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-7' || substr(hex(randomblob(2)), 2) || '-8' "
               "|| substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), {} || i, 'company', '', '', '', "
               "'2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00+00:00', 1, '', json_object() FROM n")
    else:
        sql = ('INSERT INTO "contacts_client" ("id", "name", "kind", "inn", "email", "phone", "created_at", "updated_at", '
               '"version", "search_text", "custom") '
               "SELECT gen_random_uuid(), {} || i, 'company', '', '', '', now(), now(), 1, '', jsonb_build_object() "
               "FROM generate_series(1, {}) AS i")
    args = (count, MARK) if engine_kind(engine) == "sqlite" else (MARK, count)
    await engine.run_querystring(QueryString(sql, *args))
    await engine.run_ddl("ANALYZE" if engine_kind(engine) == "sqlite" else 'ANALYZE "contacts_client"')


async def test_upcoming_dates_read_clients_over_the_birthday_index(app_factory, monkeypatch):
    kernel = app_factory().state.kernel
    engine = get_engine()
    await undated_clients(3000)
    sent: list[QueryString] = []
    original = type(engine).run_querystring  # on the class: PostgreSQL's engine has no instance dict

    async def recording(self, querystring, *args, **kwargs):
        sent.append(querystring)
        return await original(self, querystring, *args, **kwargs)

    monkeypatch.setattr(type(engine), "run_querystring", recording)
    try:
        await upcoming_dates(kernel, READER, date.today(), 30)
    finally:
        monkeypatch.undo()
        await engine.run_querystring(QueryString('DELETE FROM "contacts_client" WHERE "name" LIKE {}', f"{MARK}%"))
    for table in ("contacts_client", "contacts_contact"):
        query = next(q for q in sent if f'FROM "{table}"' in str(q) and '"birthday" IS NOT NULL' in str(q))
        assert f"{table}_by_birthday" in await query_plan(query), table

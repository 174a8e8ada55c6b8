"""A field marked indexed gets an expression index on the gate's own expression,
and the planner uses it for the gate's filter and sort (EXPLAIN, both engines)."""

import uuid

from piccolo.querystring import QueryString

from core.custom_fields import indexes
from core.custom_fields.definitions import create_field, get_definition, retire_field, restore_field, update_field
from core.db.engine import engine_kind, get_engine
from core.entities.sql import Filter
from core.permissions.gate import Gate, ListRequest
from core.permissions.principal import Principal
from core.testing.plans import query_plan as plan

ADMIN = Principal(user_id=uuid.uuid4(), grants={f"contacts.client.{a}": "all" for a in ("read", "create", "write")})
TABLE = "contacts_client"


async def bulk_rows(count: int) -> None:
    """Enough rows that an index is worth using (one set-based insert, no ORM per row)."""
    engine = get_engine()
    kind = engine_kind(engine)
    if kind == "sqlite":
        sql = (
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {}) "
            'INSERT INTO "contacts_client" ("id", "name", "kind", "inn", "email", "phone", "created_at", "updated_at", '
            '"version", "search_text", "custom") '
            "SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-7' || substr(hex(randomblob(2)), 2) || '-8' "
            "|| substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), 'n' || i, 'company', '', '', '', "
            "'2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00+00:00', 1, '', json_object('score', i % 1000) FROM n"
        )
    else:
        sql = (
            'INSERT INTO "contacts_client" ("id", "name", "kind", "inn", "email", "phone", "created_at", "updated_at", '
            '"version", "search_text", "custom") '
            "SELECT gen_random_uuid(), 'n' || i, 'company', '', '', '', now(), now(), 1, '', jsonb_build_object('score', i % 1000) "
            "FROM generate_series(1, {}) AS i"
        )
    await engine.run_querystring(QueryString(sql, count))
    await engine.run_ddl("ANALYZE" if kind == "sqlite" else 'ANALYZE "contacts_client"')


class Capture:
    """Records the SQL the gate sends, to EXPLAIN exactly that."""

    def __init__(self, gate):
        self.sql: list[QueryString] = []
        original = gate.engine.run_querystring

        async def run(querystring, *args, **kwargs):
            self.sql.append(querystring)
            return await original(querystring, *args, **kwargs)

        gate.engine = type("E", (), {"run_querystring": staticmethod(run), "transaction": gate.engine.transaction})()


async def test_indexed_field_gets_an_index_the_gate_uses(kernel):
    spec = (await create_field("contacts.client", "score", "integer", "Score", kernel=kernel, indexed=True)).field
    name = indexes.index_name(TABLE, spec)
    assert await indexes.index_state(TABLE, spec) == "index"
    await bulk_rows(3000)
    gate = Gate(kernel, kernel.entities["contacts.client"], ADMIN, [spec])
    capture = Capture(gate)
    page = await gate.list(ListRequest(filters=[Filter("score", "eq", "7")], limit=10))
    assert {r["score"] for r in page.rows} == {7}
    assert name in await plan(capture.sql[-1])
    page = await gate.list(ListRequest(sort=["score"], limit=5))
    assert [r["score"] for r in page.rows] == [0, 0, 0, 1, 1]
    assert name in await plan(capture.sql[-1])
    # the same gate without the index: the plan no longer names it
    await update_field("contacts.client", "score", kernel=kernel, indexed=False)
    assert await indexes.index_state(TABLE, spec) is None
    await gate.list(ListRequest(filters=[Filter("score", "eq", "7")], limit=10))
    assert name not in await plan(capture.sql[-1])


async def test_index_follows_retire_restore_and_unique(kernel):
    spec = (await create_field("contacts.client", "code", "text", "Code", kernel=kernel, indexed=True, unique=True)).field
    assert await indexes.index_state(TABLE, spec) == "unique"
    await retire_field("contacts.client", "code", kernel=kernel)
    assert await indexes.index_state(TABLE, spec) is None
    await restore_field("contacts.client", "code", kernel=kernel)
    assert await indexes.index_state(TABLE, spec) == "unique"
    await update_field("contacts.client", "code", kernel=kernel, unique=False)
    assert await indexes.index_state(TABLE, spec) == "index"
    assert (await get_definition("contacts.client", "code")).field.indexed


def test_index_sql_is_the_query_expression():
    from core.custom_fields.sql import field_sql
    from core.entities.spec import Field

    for kind in ("sqlite", "postgres"):
        for type_ in ("integer", "money", "date", "datetime", "text", "boolean"):
            spec = Field("f", type_, {"en": "F"}, custom=True, indexed=True)
            sql = indexes.create_sql(TABLE, spec, kind)
            assert sql.endswith(f"(({field_sql(spec, kind)}))")  # plain: every row, so PostgreSQL keeps statistics
            unique = indexes.create_sql(TABLE, spec, kind, unique=True)
            assert f"(({field_sql(spec, kind)}))" in unique and unique.endswith('WHERE "deleted_at" IS NULL')
    long = Field("f" * 60, "text", {"en": "F"}, custom=True)
    assert len(indexes.index_name("a_rather_long_plugin_table_name", long)) <= 63

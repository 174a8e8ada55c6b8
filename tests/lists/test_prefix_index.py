"""Prefix filters (``name__startswith=Ёл``) are a key range on the folded value, served by the
prefix index (core.entities.prefix_index) on both engines — Cyrillic folded too, which SQLite's
own NOCASE would miss."""

from __future__ import annotations

import uuid

from piccolo.querystring import QueryString

from core.auth.principals import principal_for_user
from core.auth.tables import User
from core.db.engine import engine_kind, get_engine
from core.entities.prefix_index import create_sql, prefix_columns, prefix_index_name
from core.entities.sql import Filter, next_prefix
from core.permissions.gate import Gate, ListRequest
from core.testing.fixtures import ADMIN_EMAIL
from tests.custom_fields.test_indexes import plan

TABLE = "contacts_client"
LETTERS = "абвгдежзиклмнопрстуфхцчшщэюя"  # no ё: none of the filler rows starts like ours


async def filler(marker: str, count: int) -> None:
    """``count`` clients named ``<a Cyrillic letter><marker><n>``: one set-based insert."""
    engine = get_engine()
    names = f"substr('{LETTERS}', (i % {len(LETTERS)}) + 1, 1) || '{marker}' || CAST(i AS TEXT)"
    columns = '"id", "name", "kind", "inn", "email", "phone", "created_at", "updated_at", "version", "search_text", "custom"'
    if engine_kind(engine) == "sqlite":
        uuid_sql = ("lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-7' || substr(hex(randomblob(2)), 2) || '-8' "
                    "|| substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))")
        sql = (f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) "
               f"INSERT INTO \"{TABLE}\" ({columns}) SELECT {uuid_sql}, {names}, 'company', '', '', '', "
               "'2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00+00:00', 1, '', '{}' FROM n")
    else:
        sql = (f"INSERT INTO \"{TABLE}\" ({columns}) SELECT gen_random_uuid(), {names}, 'company', '', '', '', now(), now(), 1, '', "
               f"'{{}}'::jsonb FROM generate_series(1, {count}) AS i")
    await engine.run_querystring(QueryString(sql.replace("{", "{{").replace("}", "}}")))
    await engine.run_ddl("ANALYZE" if engine_kind(engine) == "sqlite" else f'ANALYZE "{TABLE}"')


def assert_range_search(explained: str, column: str) -> None:
    """The plan looks the prefix up in the index as a range: no scan of it, no scan of the table."""
    name = prefix_index_name(TABLE, column)
    if engine_kind(get_engine()) == "sqlite":
        assert f"SEARCH {TABLE} USING INDEX {name} (<expr>>? AND <expr><?)" in explained, explained
    else:
        scanned = f"Index Scan using {name} " in explained or f"Bitmap Index Scan on {name}" in explained
        assert scanned and "Index Cond: ((lower" in explained and "~>=~" in explained and "~<~" in explained, explained


async def test_a_cyrillic_prefix_filter_is_served_by_the_prefix_index(app_factory):
    kernel = app_factory(jobs_in_process=False).state.kernel
    admin = await User.objects().where(User.email == ADMIN_EMAIL).first()
    gate = Gate(kernel, kernel.entities["contacts.client"], await principal_for_user(admin.id, via="system"))
    marker = f"px{uuid.uuid4().hex[:8]}"
    for name in ("Ёлкин", "ёлочка", "ЁЛКА", "Елена", "Иванов"):
        await gate.create({"name": f"{name} {marker}"})
    engine = get_engine()
    try:
        await filler(marker, 3000)
        for typed in ("ёл", "ЁЛ", "Ёлк"):
            req = ListRequest(filters=[Filter("name", "startswith", typed)], sort=["name"], limit=80)
            found = {r["name"] for r in (await gate.list(req)).rows if marker in r["name"]}
            want = {f"{n} {marker}" for n in ("Ёлкин", "ёлочка", "ЁЛКА") if n.casefold().startswith(typed.casefold())}
            assert found == want, typed
            assert_range_search(await plan(gate.list_query(req).query), "name")
        # The tax id, declared prefix_filter=True, has its own index; the API filters the same way.
        inn = ListRequest(filters=[Filter("inn", "startswith", "7707")], sort=["name"])
        assert_range_search(await plan(gate.list_query(inn).query), "inn")
    finally:
        await engine.run_querystring(QueryString(f'DELETE FROM "{TABLE}" WHERE "name" LIKE {{}}', f"%{marker}%"))


def test_which_fields_get_a_prefix_index_and_how(app_factory):
    kernel = app_factory().state.kernel
    assert prefix_columns(kernel.entities["contacts.client"]) == ["name", "inn"]  # the title, and the declared tax id
    assert prefix_columns(kernel.entities["contacts.contact"]) == ["full_name"]
    assert create_sql(TABLE, "name", "sqlite") == f'CREATE INDEX IF NOT EXISTS "{TABLE}_prefix_name" ON "{TABLE}" (casefold("name"))'
    assert create_sql(TABLE, "name", "postgres").endswith('(lower("name") text_pattern_ops)')


def test_the_range_is_exactly_starts_with():
    assert next_prefix("ёл") == "ём"
    assert next_prefix("a\U0010ffff") == "b" and next_prefix("\U0010ffff") == ""
    assert next_prefix("\ud7ff") == "\ue000"  # past the surrogates, which no text holds
    words = ["ёл", "ёла", "ёлz", "ём", "ёк", "ё", "ёл\U0010ffff", "ём\x00"]
    assert [w for w in words if "ёл" <= w < next_prefix("ёл")] == [w for w in words if w.startswith("ёл")]


async def test_a_missing_prefix_index_is_made_by_the_migration(app_factory):
    """migrate_instance makes them for every declared entity: one dropped is made again, the rest stay."""
    from core.entities.order_index import index_exists
    from core.entities.prefix_index import ensure_prefix_indexes

    kernel = app_factory().state.kernel
    engine = get_engine()
    name = prefix_index_name("contacts_contact", "full_name")
    await engine.run_ddl(f'DROP INDEX IF EXISTS "{name}"')
    assert not await index_exists(engine, name)
    assert await ensure_prefix_indexes(kernel) == [name]
    assert await index_exists(engine, name)
    assert await ensure_prefix_indexes(kernel) == []


async def test_text_operators_on_a_number_are_refused_on_both_engines(app_factory):
    """Was a server error on PostgreSQL (no lower() of an integer)."""
    import pytest

    from core.permissions.errors import Refused

    kernel = app_factory().state.kernel
    admin = await User.objects().where(User.email == ADMIN_EMAIL).first()
    gate = Gate(kernel, kernel.entities["contacts.interaction"], await principal_for_user(admin.id, via="system"))
    for op in ("startswith", "contains"):
        with pytest.raises(Refused) as refused:
            await gate.list(ListRequest(filters=[Filter("duration_minutes", op, "1")]))
        assert "duration_minutes" in refused.value.errors


async def test_the_typed_text_is_folded_as_the_column_is(app_factory):
    """PostgreSQL's lower() keeps "ß", so the typed text is lowered there, not casefolded to "ss"."""
    kernel = app_factory().state.kernel
    admin = await User.objects().where(User.email == ADMIN_EMAIL).first()
    gate = Gate(kernel, kernel.entities["contacts.client"], await principal_for_user(admin.id, via="system"))
    marker = f"sz{uuid.uuid4().hex[:8]}"
    row = await gate.create({"name": f"Straße {marker}"})
    for op, typed in (("startswith", "STRAß"), ("contains", f"aße {marker}")):
        page = await gate.list(ListRequest(filters=[Filter("name", op, typed), Filter("name", "contains", marker)]))
        assert [r["id"] for r in page.rows] == [row["id"]], (op, typed)

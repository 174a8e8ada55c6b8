"""The trigram search index: substring search answered by an index on both engines, kept in step with writes."""

from __future__ import annotations

import uuid

from piccolo.querystring import QueryString

from core.db.engine import engine_kind, get_engine
from core.entities.search_index import ensure_search_index, sqlite_match

API = "/api/contacts/client"


async def search(client, q: str) -> set[str]:
    response = await client.get(API, params={"q": q, "limit": 500})
    assert response.status_code == 200, response.text
    return {item["name"] for item in response.json()["items"]}


async def test_substring_search_finds_what_a_scan_would_and_follows_every_write(client):
    tag = uuid.uuid4().hex[:6]
    names = [f"ООО Ромашка-{tag}", f"Romashka Trading {tag}", f"ИП Иванов {tag}", f"50% Discount {tag}"]
    ids = {}
    for name in names:
        row = (await client.post(API, json={"name": name, "inn": "7707083893"})).json()
        ids[name] = row["id"]
    assert await search(client, f"ромашк {tag}") == {f"ООО Ромашка-{tag}"}
    assert await search(client, f"РОМАШКА-{tag}") == {f"ООО Ромашка-{tag}"}  # case folded, Cyrillic too
    assert await search(client, f"mash {tag}") == {f"Romashka Trading {tag}"}  # inside a word
    assert await search(client, f"ив {tag}") == {f"ИП Иванов {tag}"}  # 2 characters: the scan answers
    assert await search(client, f"50% {tag}") == {f"50% Discount {tag}"}  # wildcards are literal
    assert f"ООО Ромашка-{tag}" in await search(client, f"7707083893 {tag}")  # another search field
    # An update moves the row in the index: the old words stop matching.
    renamed = await client.patch(f"{API}/{ids[f'ИП Иванов {tag}']}", json={"name": f"ИП Петров {tag}"}, headers={"If-Match": '"1"'})
    assert renamed.status_code == 200
    assert await search(client, f"иванов {tag}") == set()
    assert await search(client, f"петров {tag}") == {f"ИП Петров {tag}"}


def test_terms_the_sqlite_index_can_answer():
    assert sqlite_match("ром") and sqlite_match("7707")
    assert not sqlite_match("ро") and not sqlite_match("50%") and not sqlite_match("a_b")


async def test_the_planner_uses_the_index(client):
    engine = get_engine()
    from core.kernel import build_kernel
    from core.permissions.gate import Gate
    from core.testing.fixtures import make_settings
    from core.permissions.principal import Principal

    kernel = build_kernel(make_settings())
    gate = Gate(kernel, kernel.entities["contacts.client"], Principal(user_id=uuid.uuid4(), grants={"contacts.client.read": "all"}))
    [condition] = gate._search("ромашка")
    sql = QueryString('EXPLAIN SELECT "id" FROM "contacts_client" WHERE {}', condition)
    if engine_kind(engine) == "sqlite":
        plan = " ".join(str(dict(r)) for r in await engine.run_querystring(QueryString("EXPLAIN QUERY PLAN SELECT \"id\" FROM \"contacts_client\" WHERE {}", condition)))
        assert "contacts_client_search" in plan and "VIRTUAL TABLE" in plan, plan
    else:
        async with engine.transaction():
            await engine.run_ddl("SET LOCAL enable_seqscan = off")
            plan = " ".join(str(dict(r)) for r in await engine.run_querystring(sql))
        assert "contacts_client_search_trgm" in plan, plan


async def test_ensure_is_idempotent_and_fills_a_new_index_from_existing_rows(client):
    engine = get_engine()
    assert await ensure_search_index("contacts_client") is False  # made by the migration step already
    if engine_kind(engine) != "sqlite":
        return
    tag = uuid.uuid4().hex[:6]
    await client.post(API, json={"name": f"Before index {tag}"})
    await engine.run_ddl('DROP TABLE "contacts_client_search"')  # triggers stay; the rebuild must catch up
    for suffix in ("ai", "ad", "au"):
        await engine.run_ddl(f'DROP TRIGGER IF EXISTS "contacts_client_search_{suffix}"')
    assert await ensure_search_index("contacts_client") is True
    assert await search(client, f"before index {tag}") == {f"Before index {tag}"}

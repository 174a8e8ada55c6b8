"""The query gate: scopes in the WHERE clause, field masks, refusals, locking, trash, audit."""

import uuid

import pytest

from core.entities.sql import Filter
from core.permissions.errors import Conflict, Invalid, NotFound, Refused
from core.permissions.gate import Gate, ListRequest
from core.permissions.principal import Principal

ACTIONS = ("read", "create", "write", "delete", "restore", "assign")
ALICE, BOB, CAROL, ADMIN = (uuid.uuid4() for _ in range(4))


def principal(user, scope="all", *, team=(), department=(), hidden=(), readonly=(), actions=ACTIONS, entity="contacts.client"):
    grants = {f"{key}.{a}": scope for key in ("contacts.client", "contacts.contact") for a in actions}
    return Principal(
        user_id=user,
        grants=grants,
        team_member_ids=frozenset(team) | {user},
        department_member_ids=frozenset(department) | {user},
        unreadable={entity: frozenset(hidden)},
        unwritable={entity: frozenset(readonly)},
        ip="127.0.0.1",
    )


@pytest.fixture
async def kernel(app_factory):
    from core.db.engine import get_engine

    app = app_factory()
    engine = get_engine()
    # Deals refer to clients (restricted): other suites' deals go first.
    for table in ("sales_deal_stage_log", "sales_deal_line", "sales_deal", "contacts_contact", "contacts_client", "core_audit_change"):
        await engine.run_ddl(f"DELETE FROM {table}")
    return app.state.kernel


def gate(kernel, who, key="contacts.client"):
    return Gate(kernel, kernel.entities[key], who)


async def seed(kernel):
    """Three clients per owner: Alice, Bob (Alice's teammate) and Carol (another department)."""
    admin = principal(ADMIN)
    ids = {}
    for owner, names in ((ALICE, ["Альфа", "Ромашка", "Acme"]), (BOB, ["Бета", "Blue"]), (CAROL, ["Гамма"])):
        for name in names:
            row = await gate(kernel, admin).create({"name": name, "owner_id": str(owner), "inn": "7707083893", "email": f"{name.lower()}@example.com"})
            ids[name] = row["id"]
    return ids


async def names(g, **kw):
    page = await g.list(ListRequest(**kw))
    return [r["name"] for r in page.rows]


async def test_scopes_compile_into_the_where_clause(kernel):
    await seed(kernel)
    assert await names(gate(kernel, principal(ALICE, "own"))) == ["Acme", "Альфа", "Ромашка"]
    team = principal(ALICE, "team", team=[BOB])
    assert await names(team) if False else sorted(await names(gate(kernel, team))) == sorted(["Acme", "Альфа", "Ромашка", "Бета", "Blue"])
    dept = principal(ALICE, "department", department=[BOB, CAROL])
    assert len(await names(gate(kernel, dept))) == 6
    assert await gate(kernel, principal(ALICE, "own")).count() == 3
    with pytest.raises(NotFound):
        await gate(kernel, principal(ALICE, "none")).list(ListRequest())
    with pytest.raises(NotFound):
        await gate(kernel, principal(ALICE, "none")).count()


async def test_forbidden_and_missing_are_both_not_found(kernel):
    ids = await seed(kernel)
    alice = gate(kernel, principal(ALICE, "own"))
    for target in (ids["Бета"], uuid.uuid4(), "not-a-uuid"):
        with pytest.raises(NotFound):
            await alice.get(target)
        with pytest.raises(NotFound):
            await alice.update(target, {"name": "x"}, 1)
        with pytest.raises(NotFound):
            await alice.delete(target)
    assert (await gate(kernel, principal(ADMIN)).get(ids["Бета"]))["name"] == "Бета"  # unchanged


async def test_hidden_fields_are_masked_and_cannot_be_queried(kernel):
    await seed(kernel)
    g = gate(kernel, principal(ALICE, hidden=["inn"]))
    row = (await g.list(ListRequest(limit=1))).rows[0]
    assert "inn" not in row and "name" in row
    for req in (
        ListRequest(filters=[Filter("inn", "eq", "7707083893")]),
        ListRequest(sort=["inn"]),
        ListRequest(filters=[Filter("inn", "startswith", "77")]),
    ):
        with pytest.raises(Refused) as err:
            await g.list(req)
        assert "inn" in err.value.errors
    with pytest.raises(Refused):
        await g.count([Filter("inn", "isnull", "1")])
    with pytest.raises(Refused):
        await g.list(ListRequest(filters=[Filter("no_such_field", "eq", "1")]))


async def test_filters_sort_search_and_keyset_paging(kernel):
    await seed(kernel)
    g = gate(kernel, principal(ADMIN))
    assert await names(g, filters=[Filter("name", "startswith", "Б")]) == ["Бета"]
    assert await names(g, search="ромаш") == ["Ромашка"]  # Cyrillic, case-folded, on both engines
    assert await names(g, search="ACME") == ["Acme"]
    assert await names(g, sort=["-name"], limit=2) == ["Ромашка", "Гамма"]
    collected, cursor = [], None
    while True:
        page = await g.list(ListRequest(limit=2, cursor=cursor))
        assert page.keyset
        collected += [r["name"] for r in page.rows]
        cursor = page.next_cursor
        if not cursor:
            break
    assert collected == sorted(collected) and len(collected) == 6
    owner_filter = await names(g, filters=[Filter("owner_id", "eq", str(BOB))])
    assert sorted(owner_filter) == ["Blue", "Бета"]
    with pytest.raises(Refused):
        await g.list(ListRequest(filters=[Filter("created_at", "gt", "yesterday")]))


async def test_mass_assignment_is_rejected_and_changes_nothing(kernel):
    ids = await seed(kernel)
    alice = gate(kernel, principal(ALICE, "own", actions=("read", "create", "write", "delete")))
    before = await gate(kernel, principal(ADMIN)).get(ids["Альфа"])
    for key, value in (
        ("owner_id", str(BOB)), ("version", 9), ("id", str(uuid.uuid4())), ("deleted_at", "2020-01-01T00:00:00+00:00"),
        ("created_by", str(BOB)), ("is_admin", True), ("role", "administrator"), ("team", "x"),
    ):
        with pytest.raises(Refused) as err:
            await alice.update(ids["Альфа"], {"name": "Hacked", key: value}, before["version"])
        assert key in err.value.errors
        with pytest.raises(Refused):
            await alice.create({"name": "New", key: value})
    assert await gate(kernel, principal(ADMIN)).get(ids["Альфа"]) == before
    assert await gate(kernel, principal(ADMIN)).count() == 6


async def test_validation_errors_name_each_field(kernel):
    g = gate(kernel, principal(ADMIN))
    with pytest.raises(Invalid) as err:
        await g.create({"kind": "planet", "email": "nope", "inn": "12"})
    assert set(err.value.errors) >= {"name", "kind", "email", "inn"}
    assert await g.count() == 0


async def test_optimistic_locking_reports_what_changed(kernel):
    ids = await seed(kernel)
    g = gate(kernel, principal(ADMIN))
    row = await g.get(ids["Acme"])
    updated = await g.update(ids["Acme"], {"name": "Acme Corp"}, row["version"])
    assert updated["version"] == row["version"] + 1
    with pytest.raises(Conflict) as err:
        await g.update(ids["Acme"], {"name": "Acme Ltd"}, row["version"])
    assert err.value.changed == {"name": ("Acme Ltd", "Acme Corp")}
    assert (await g.get(ids["Acme"]))["name"] == "Acme Corp"


async def test_delete_goes_to_trash_and_restore_brings_back_relations(kernel):
    ids = await seed(kernel)
    admin = principal(ADMIN)
    clients, contacts = gate(kernel, admin), gate(kernel, admin, "contacts.contact")
    person = await contacts.create({"full_name": "Иван Петров", "client": str(ids["Альфа"])})
    await clients.delete(ids["Альфа"])
    with pytest.raises(NotFound):
        await clients.get(ids["Альфа"])
    with pytest.raises(NotFound):
        await contacts.get(person["id"])
    assert "Альфа" not in await names(clients)
    assert await names(clients, search="альфа") == []
    assert await clients.count() == 5
    trashed = await clients.list(ListRequest(trash=True))
    assert [r["name"] for r in trashed.rows] == ["Альфа"]
    restored = await clients.restore(ids["Альфа"])
    assert restored["name"] == "Альфа" and restored["deleted_at"] is None
    assert (await contacts.get(person["id"]))["client"] == ids["Альфа"]
    with pytest.raises(NotFound):
        await gate(kernel, principal(ALICE, "own", actions=("read",))).restore(ids["Альфа"])


async def test_references_must_be_readable(kernel):
    ids = await seed(kernel)
    alice = gate(kernel, principal(ALICE, "own"), "contacts.contact")
    with pytest.raises(Invalid) as err:
        await alice.create({"full_name": "Spy", "client": str(ids["Гамма"])})  # Carol's client
    assert err.value.errors == {"client": "no such record"}
    ok = await alice.create({"full_name": "Friend", "client": str(ids["Альфа"])})
    assert ok["owner_id"] == ALICE


async def test_every_change_is_audited_in_the_same_transaction(kernel):
    from core.testing.databases import query
    from core.testing.fixtures import SESSION_DB_URL

    g = gate(kernel, principal(ADMIN))
    row = await g.create({"name": "Audit Me", "email": "a@example.com"})
    await g.update(row["id"], {"name": "Audited", "email": "b@example.com"}, row["version"])
    await g.delete(row["id"])
    await g.restore(row["id"])
    rows = query(SESSION_DB_URL, f"SELECT action, field, old_value, new_value, ip FROM core_audit_change WHERE record_id = '{row['id']}' ORDER BY at, field")
    actions = [(r[0], r[1]) for r in rows]
    assert ("update", "name") in actions and ("update", "email") in actions
    assert ("create", "name") in actions and ("delete", "deleted_at") in actions and ("restore", "deleted_at") in actions
    update_name = next(r for r in rows if r[0] == "update" and r[1] == "name")
    assert update_name[2] == '"Audit Me"' and update_name[3] == '"Audited"' and update_name[4] == "127.0.0.1"

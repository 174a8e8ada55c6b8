"""R3 (concurrent edits of one record) and R4 (concurrent writers on SQLite)."""

import asyncio
import uuid

from core.permissions.errors import Conflict
from core.permissions.gate import Gate, ListRequest
from core.permissions.principal import Principal

ADMIN = Principal(user_id=uuid.uuid4(), grants={f"contacts.client.{a}": "all" for a in ("read", "create", "write", "delete", "assign")})


def gate(app_factory_kernel):
    return Gate(app_factory_kernel, app_factory_kernel.entities["contacts.client"], ADMIN)


async def test_two_concurrent_edits_exactly_one_wins_200_times(app_factory):
    kernel = app_factory().state.kernel
    g = gate(kernel)
    row = await g.create({"name": "Race"})
    wins = conflicts = 0
    for n in range(200):
        current = await g.get(row["id"])
        results = await asyncio.gather(
            g.update(row["id"], {"name": f"A{n}"}, current["version"]),
            g.update(row["id"], {"name": f"B{n}"}, current["version"]),
            return_exceptions=True,
        )
        ok = [r for r in results if isinstance(r, dict)]
        lost = [r for r in results if isinstance(r, Conflict)]
        assert len(ok) == 1 and len(lost) == 1, results
        wins += 1
        conflicts += 1
        final = await g.get(row["id"])
        assert final["name"] == ok[0]["name"] and final["version"] == current["version"] + 1  # no lost update
    assert wins == conflicts == 200
    await g.delete(row["id"])


async def test_twenty_concurrent_writers_never_see_database_locked(app_factory):
    kernel = app_factory().state.kernel
    g = gate(kernel)
    tag = uuid.uuid4().hex[:8]

    async def writer(n):
        created = await g.create({"name": f"W{tag}-{n}"})
        return await g.update(created["id"], {"email": f"w{n}@example.com"}, created["version"])

    results = await asyncio.gather(*(writer(n) for n in range(20)), return_exceptions=True)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == []
    page = await g.list(ListRequest(search=f"w{tag}", limit=50))
    assert len(page.rows) == 20 and all(r["version"] == 2 for r in page.rows)
    for r in page.rows:
        await g.delete(r["id"])

"""``Gate.scoped_rows``: the rows an action's scope reaches as a sub-select, for aggregates that
join a plugin's own tables — the scope holds whatever is joined, and every field is checked."""

import pytest
from piccolo.querystring import QueryString

from core.db.engine import get_engine
from core.entities.sql import Filter
from core.permissions.errors import NotFound, Refused
from tests.permissions.test_gate import ALICE, BOB, CAROL, gate, kernel, principal, seed  # noqa: F401 (kernel: a fixture)


async def counted(g, **kw) -> dict:
    rows = g.scoped_rows(["owner_id", "name"], **kw)
    # A join onto the sub-select (here the table itself): only rows in scope come out of it.
    sql = 'SELECT d."owner_id" AS o, count(*) AS n FROM ({}) AS d JOIN "contacts_client" AS c ON c."id" = d."id" GROUP BY d."owner_id"'
    return {str(r["o"]): int(r["n"]) for r in await get_engine().run_querystring(QueryString(sql, rows))}


async def test_the_scope_bounds_what_is_joined(kernel):
    await seed(kernel)
    report = ("read", "report")
    assert await counted(gate(kernel, principal(ALICE, "own", actions=report))) == {str(ALICE): 3}
    team = principal(ALICE, "team", team=[BOB], actions=report)
    assert await counted(gate(kernel, team)) == {str(ALICE): 3, str(BOB): 2}
    assert await counted(gate(kernel, team), filters=[Filter("name", "startswith", "B")]) == {str(BOB): 1}  # Blue, not Бета
    everyone = principal(ALICE, "all", actions=report)
    assert await counted(gate(kernel, everyone)) == {str(ALICE): 3, str(BOB): 2, str(CAROL): 1}
    # Read alone is no report: the report scope is asked for, and there is none.
    with pytest.raises(NotFound):
        gate(kernel, principal(ALICE, "all", actions=("read",))).scoped_rows(["name"])


async def test_fields_are_checked_as_a_lists_are(kernel):
    hidden = gate(kernel, principal(ALICE, "all", actions=("read", "report"), hidden=["inn"]))
    with pytest.raises(Refused):
        hidden.scoped_rows(["inn"])
    with pytest.raises(Refused):
        hidden.scoped_rows(["no_such_field"])
    with pytest.raises(Refused):
        hidden.scoped_rows(["name"], filters=[Filter("inn", "eq", "7707083893")])

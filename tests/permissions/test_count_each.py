"""Several gates' counts in one statement (core.permissions.gate.count_each), as the home
page's "My records" asks them: each count the same as the gate's own ``count``, within
each principal's scope, in the order asked."""

from __future__ import annotations

import uuid

from core.auth.principals import principal_for_user
from core.auth.users import user_by_email
from core.entities.sql import Filter
from core.permissions.gate import Gate, count_each
from core.testing.fixtures import ADMIN_EMAIL


async def test_counts_of_several_entities_in_one_statement_match_each_gates_count(app_factory, make_user):
    kernel = app_factory().state.kernel
    admin = await principal_for_user((await user_by_email(ADMIN_EMAIL)).id, via="system")
    manager = await make_user(roles=["sales_manager"], team=f"Counts {uuid.uuid4().hex[:6]}")
    clients = await Gate.open(kernel, "contacts.client", admin)
    for i in range(3):
        await clients.create({"name": f"Counted {uuid.uuid4().hex[:6]} {i}", "owner_id": str(manager.id)})
    mine = [Filter("owner_id", "eq", str(manager.id))]
    me = await principal_for_user(manager.id)

    gates = [clients, await Gate.open(kernel, "contacts.interaction", admin), await Gate.open(kernel, "contacts.client", me)]
    queries = [gates[0].count_query(mine), gates[1].count_query(), gates[2].count_query(mine)]
    expected = [await gates[0].count(mine), await gates[1].count(), await gates[2].count(mine)]
    assert await count_each(queries) == expected
    assert expected[0] == expected[2] == 3
    assert await count_each([]) == []

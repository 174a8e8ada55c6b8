"""The department tree: moving a department carries its whole subtree."""

from __future__ import annotations

import uuid

from core.auth import org
from core.auth.tables import Department


async def test_moving_a_department_moves_its_subtree_under_the_new_parent(accounts):
    suffix = uuid.uuid4().hex[:6]
    north = await org.create_department(f"North {suffix}")
    sales = await org.create_department(f"Sales {suffix}", north.id)
    desk = await org.create_department(f"Desk {suffix}", sales.id)
    south = await org.create_department(f"South {suffix}")

    await org.move_department(sales.id, south.id)

    paths = {r["id"]: r["path"] for r in await Department.select(Department.id, Department.path).where(Department.id.is_in([sales.id, desk.id]))}
    assert paths[sales.id] == south.path + sales.id.hex
    assert paths[desk.id] == south.path + sales.id.hex + desk.id.hex
    assert set(await org.subtree_ids(south.id)) == {south.id, sales.id, desk.id}
    assert set(await org.subtree_ids(north.id)) == {north.id}
    assert (await Department.select(Department.parent).where(Department.id == sales.id).first())["parent"] == south.id

"""Assignments: give, accept, complete, return for rework, forward; the other side is notified;
overdue flagged; "my tasks" and "tasks I gave"; absent from Basic."""

from __future__ import annotations

import uuid

from core.notifications import latest
from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD, USER_PASSWORD, serving


def unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:6]}"


async def admin_id():
    from core.auth.tables import User

    return (await User.select(User.id).where(User.email == ADMIN_EMAIL).first())["id"]


async def titles(user_id) -> list[str]:
    return [n["title"] for n in await latest(user_id, limit=50)]


async def test_the_whole_workflow_with_notifications(app_factory, make_user, client):
    ann = await make_user(roles=["sales_manager"], team="Tasks-A", name="Ann")
    bob = await make_user(roles=["sales_manager"], team="Tasks-A", name="Bob")
    title = unique("Call the bank")
    given = await client.post("/api/contacts/task", json={"title": title, "owner_id": str(ann.id),
                                                           "deadline": "2020-01-01T10:00:00Z", "description": "About the loan"})
    assert given.status_code == 201, given.text
    task = given.json()
    assert task["status"] == "new"
    # The status is the workflow's: neither the API nor a form may set it.
    forged = await client.patch(f"/api/contacts/task/{task['id']}", json={"status": "done"}, headers={"If-Match": '"1"'})
    assert forged.status_code in (400, 422)
    app = app_factory()
    async with serving(app, login=(ann.email, USER_PASSWORD)) as as_ann:
        mine = (await as_ann.get("/contacts/tasks/")).text
        assert title in mine and "overdue" in mine  # the deadline is past
        page = (await as_ann.get(f"/contacts/task/{task['id']}")).text
        assert f'/contacts/tasks/{task["id"]}/accept' in page and f'/contacts/tasks/{task["id"]}/return' not in page
        assert (await as_ann.post(f"/contacts/tasks/{task['id']}/accept")).status_code == 303
        assert f"Ann accepted: {title}" in await titles(await admin_id())
        # A step that does not fit the state is refused and changes nothing.
        assert (await as_ann.post(f"/contacts/tasks/{task['id']}/accept")).status_code == 422
        forward = await as_ann.post(f"/contacts/tasks/{task['id']}/forward", data={"to_user": str(bob.id)})
        assert forward.status_code == 303
    assert f"New assignment: {title}" in await titles(bob.id)
    assert f"Ann forwarded: {title}" in await titles(await admin_id())
    async with serving(app, login=(bob.email, USER_PASSWORD)) as as_bob:
        done = await as_bob.post(f"/contacts/tasks/{task['id']}/complete", data={"comment": "Limit agreed"})
        assert done.status_code == 303
    stored = (await client.get(f"/api/contacts/task/{task['id']}")).json()
    assert stored["status"] == "done" and stored["result"] == "Limit agreed" and stored["owner_id"] == str(bob.id)
    assert f"Bob completed: {title}" in await titles(await admin_id())
    # The author returns it for rework; the assignee hears of it.
    back = await client.post(f"/contacts/tasks/{task['id']}/return", data={"comment": "Also the overdraft"})
    assert back.status_code == 303
    assert (await client.get(f"/api/contacts/task/{task['id']}")).json()["status"] == "returned"
    assert f"Returned for rework: {title}" in await titles(bob.id)
    given_page = (await client.get("/contacts/tasks/given")).text
    assert title in given_page and "Bob" in given_page


async def test_someone_else_cannot_take_steps_on_a_task(app_factory, make_user, client):
    ann = await make_user(roles=["sales_manager"], team=unique("Team"))
    eve = await make_user(roles=["sales_manager"], team=unique("Other"))
    task = (await client.post("/api/contacts/task", json={"title": unique("Not yours"), "owner_id": str(ann.id)})).json()
    async with serving(app_factory(), login=(eve.email, USER_PASSWORD)) as as_eve:
        assert (await as_eve.post(f"/contacts/tasks/{task['id']}/accept")).status_code == 404
        assert (await as_eve.get(f"/contacts/task/{task['id']}")).status_code == 404
    assert (await client.get(f"/api/contacts/task/{task['id']}")).json()["status"] == "new"


async def test_assignments_are_absent_from_basic_and_present_from_standard(app_factory):
    for edition, present in (("basic", False), ("standard", True), ("prof", True), ("corp", True)):
        async with serving(app_factory(edition=edition), login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as c:
            assert ((await c.get("/contacts/tasks/")).status_code == 200) == present, edition
            assert ((await c.get("/api/contacts/task")).status_code == 200) == present, edition
            home = (await c.get("/")).text
            assert ('href="/contacts/tasks/"' in home) == present, edition

"""Issue 14, S3: the scopes of export and assign hold on every channel, and a refused write changes nothing.

The probes of the outside check, as a stock sales manager (``contacts.*.export
= own``, ``contacts.task.assign = own``, ``contacts.task.write = team``):
exporting a teammate's client (list export, vCard, ``calendar.ics?all=1``),
giving a teammate's task to another department, creating a task for
someone else.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from core.auth.passwords import cheap_hashing_for_tests
from core.auth.principals import principal_for_user
from core.auth.tables import User
from core.notifications.tables import Notification
from core.permissions.assignable import assignable_users
from core.permissions.gate import Gate
from core.testing.fixtures import custom_role, ADMIN_EMAIL
from tests.security.db_state import differences, snapshot


# The signed-in clients run no job worker: a scheduled job (reminders) writing
# meanwhile would show up in the database snapshots.


class People:
    def __init__(self, me, mate, other, admin):
        self.me, self.mate, self.other, self.admin = me, mate, other, admin

    def gate(self, kernel, key):
        return Gate(kernel, kernel.entities[key], self.admin)


@pytest.fixture
async def people(make_user):
    suffix = uuid.uuid4().hex[:8]
    with cheap_hashing_for_tests():
        me = await make_user(roles=["sales_manager"], team=f"T-{suffix}", department="Sales/North")
        mate = await make_user(roles=["sales_manager"], team=f"T-{suffix}", department="Sales/North")
        other = await make_user(roles=["sales_manager"], team=f"S-{suffix}", department="Service")
    admin = await User.objects().where(User.email == ADMIN_EMAIL).first()
    return People(me, mate, other, await principal_for_user(admin.id, via="system"))


async def test_a_sales_manager_exports_only_their_own_records_on_every_channel(app_factory, people, client_as):
    kernel = app_factory().state.kernel
    tag = f"exp{uuid.uuid4().hex[:8]}"
    soon = (datetime.now(timezone.utc) + timedelta(days=1)).replace(microsecond=0).isoformat()
    rows = {}
    for who, user in (("mine", people.me), ("mates", people.mate)):
        owner = str(user.id)
        rows[who] = {
            "client": await people.gate(kernel, "contacts.client").create({"name": f"{tag} {who}", "owner_id": owner}),
            "contact": await people.gate(kernel, "contacts.contact").create({"full_name": f"{tag} {who}", "owner_id": owner}),
            "call": await people.gate(kernel, "contacts.interaction").create({"subject": f"{tag} {who}", "starts_at": soon, "owner_id": owner}),
        }
    with cheap_hashing_for_tests():
        async with client_as(people.me, jobs_in_process=False) as c:
            listed = await c.get("/api/contacts/client", params={"q": tag})
            assert {r["name"] for r in listed.json()["items"]} == {f"{tag} mine", f"{tag} mates"}  # reads the team's
            exported = await c.post(f"/export/contacts/client?name__startswith={tag}", data={"format": "csv"})
            vcf = await c.get("/contacts/sync/contacts.vcf", params={"q": tag})
            ics = await c.get("/contacts/sync/calendar.ics", params={"all": "1"})
    assert exported.status_code == vcf.status_code == ics.status_code == 200
    assert f"{tag} mine" in exported.text and f"{tag} mates" not in exported.text
    assert f"{tag} mine" in vcf.text and f"{tag} mates" not in vcf.text
    assert str(rows["mine"]["call"]["id"]) in ics.text and str(rows["mates"]["call"]["id"]) not in ics.text


async def test_giving_a_teammates_task_to_another_department_is_refused_and_changes_nothing(app_factory, people, client_as):
    kernel = app_factory().state.kernel
    task = await people.gate(kernel, "contacts.task").create({"title": f"mate's {uuid.uuid4().hex[:6]}", "owner_id": str(people.mate.id)})
    notes = await Notification.count().where(Notification.user_id == people.other.id)
    with cheap_hashing_for_tests():
        async with client_as(people.me, jobs_in_process=False) as c:
            assert (await c.get(f"/api/contacts/task/{task['id']}")).status_code == 200  # write = team: theirs to edit
            moved = await c.patch(f"/api/contacts/task/{task['id']}", json={"owner_id": str(people.other.id)}, headers={"If-Match": '"1"'})
            assert moved.status_code == 400, moved.text
            assert "owner_id" in moved.json()["errors"]
            edited = await c.patch(f"/api/contacts/task/{task['id']}", json={"description": "still theirs"}, headers={"If-Match": '"1"'})
            assert edited.status_code == 200 and edited.json()["owner_id"] == str(people.mate.id)
    stored = await people.gate(kernel, "contacts.task").get(task["id"])
    assert stored["owner_id"] == people.mate.id and stored["version"] == 2  # only the description's save
    assert await Notification.count().where(Notification.user_id == people.other.id) == notes


async def test_a_refused_reassignment_leaves_the_database_as_it_was(app_factory, people, client_as):
    kernel = app_factory().state.kernel
    task = await people.gate(kernel, "contacts.task").create({"title": f"mate's {uuid.uuid4().hex[:6]}", "owner_id": str(people.mate.id)})
    with cheap_hashing_for_tests():
        async with client_as(people.me, jobs_in_process=False) as c:
            before = await snapshot()
            moved = await c.patch(f"/api/contacts/task/{task['id']}", json={"owner_id": str(people.other.id)}, headers={"If-Match": '"1"'})
            assert moved.status_code == 400
            assert differences(before, await snapshot()) == {}


async def test_giving_ones_own_task_to_anyone_active_works_and_answers_with_the_row(app_factory, people, client_as):
    kernel = app_factory().state.kernel
    task = await people.gate(kernel, "contacts.task").create({"title": f"mine {uuid.uuid4().hex[:6]}", "owner_id": str(people.me.id)})
    with cheap_hashing_for_tests():
        async with client_as(people.me, jobs_in_process=False) as c:
            given = await c.patch(f"/api/contacts/task/{task['id']}", json={"owner_id": str(people.other.id)}, headers={"If-Match": '"1"'})
            # Written, then out of the giver's sight (another department): the answer is the row, not a 404.
            assert given.status_code == 200, given.text
            assert given.json()["owner_id"] == str(people.other.id) and given.json()["version"] == 2
            assert (await c.get(f"/api/contacts/task/{task['id']}")).status_code == 404


async def test_a_sales_manager_gives_a_new_task_to_any_colleague_and_without_assign_nothing_is_written(app_factory, people, client_as, make_user):
    """Creating for a colleague is creating one's own task and giving it away: ``assign = own``
    suffices, for a colleague of any department. Without assign, naming someone else is
    refused with 400 and nothing is written (it answered 404 and created the row)."""
    from core.db.engine import get_engine
    from piccolo.querystring import QueryString

    title = f"for another {uuid.uuid4().hex[:8]}"
    with cheap_hashing_for_tests():
        async with client_as(people.me, jobs_in_process=False) as c:
            given = await c.post("/api/contacts/task", json={"title": title, "owner_id": str(people.other.id)})
            assert given.status_code == 201 and given.json()["owner_id"] == str(people.other.id), given.text
        role = await custom_role({"contacts.task.read": "own", "contacts.task.create": "own", "contacts.task.write": "own"})
        plain = await make_user(roles=[role.key])
        async with client_as(plain, jobs_in_process=False) as c:
            before = await snapshot()
            refused = await c.post("/api/contacts/task", json={"title": title + " plain", "owner_id": str(people.other.id)})
            assert refused.status_code == 400 and "owner_id" in refused.json()["errors"], refused.text
            assert differences(before, await snapshot()) == {}
            mine = await c.post("/api/contacts/task", json={"title": title + " mine", "owner_id": str(plain.id)})
            assert mine.status_code == 201, mine.text
    rows = await get_engine().run_querystring(QueryString('SELECT count(*) AS n FROM "contacts_task" WHERE "title" = {}', title + " plain"))
    assert rows[0]["n"] == 0


async def _user_with(people, role):
    """A user of ``role`` in the sales manager's department."""
    from core.auth.users import create_user
    from core.testing.fixtures import unique_email

    with cheap_hashing_for_tests():
        user, _ = await create_user(unique_email("head"), password="x" * 16, roles=[role], department=people.me.department)
    return user


async def test_a_deactivated_user_is_never_made_responsible(app_factory, people):
    from core.auth.users import deactivate_user
    from core.permissions.errors import Invalid

    kernel = app_factory().state.kernel
    await deactivate_user(people.other.id)
    task = await people.gate(kernel, "contacts.task").create({"title": "to give", "owner_id": str(people.me.id)})
    with pytest.raises(Invalid):
        await people.gate(kernel, "contacts.task").update(task["id"], {"owner_id": str(people.other.id)}, 1)
    assert (await people.gate(kernel, "contacts.task").get(task["id"]))["owner_id"] == people.me.id


async def test_assignable_users_follow_the_assign_rule(people):
    me = await principal_for_user(people.me.id)
    anyone = {u["id"] for u in await assignable_users(me, "contacts.task", limit=50)}
    found = await assignable_users(me, "contacts.task", people.other.email.upper(), 5)
    assert [u["id"] for u in found] == [people.other.id]  # any active user, of any department
    assert len(anyone) <= 50 and await assignable_users(me, "contacts.client", "") == []  # no assign on clients
    # A new task is the creator's own until given away: assign = own offers every colleague.
    assert [u["id"] for u in await assignable_users(me, "contacts.task", people.other.email, 5, creating=True)] == [people.other.id]
    assert await assignable_users(me, "contacts.client", people.me.email, 5, creating=True) == []


async def test_a_writer_who_cannot_read_the_row_learns_only_its_id_and_version(app_factory, people):
    from core.permissions.principal import Principal

    kernel = app_factory().state.kernel
    task = await people.gate(kernel, "contacts.task").create({"title": "secret plans", "owner_id": str(people.mate.id)})
    blind = Principal(user_id=people.me.id, grants={"contacts.task.read": "own", "contacts.task.write": "all",
                                                    "contacts.task.assign": "all"},
                      team_member_ids=frozenset({people.me.id}), department_member_ids=frozenset({people.me.id}))
    answer = await Gate(kernel, kernel.entities["contacts.task"], blind).update(task["id"], {"owner_id": str(people.other.id)}, 1)
    assert answer == {"id": task["id"], "version": 2}

"""Record timelines: the audit trail's field history (through the ``timeline_entries`` hook) on the record page."""

from __future__ import annotations

import re
import uuid

from core.auth.common import fetch
from core.permissions.tables import UserRole
from core.testing.fixtures import USER_PASSWORD, custom_role, serving


async def test_every_field_change_is_one_audit_row_and_shows_on_the_timeline(client):
    name = f"Timeline {uuid.uuid4().hex[:6]}"
    created = (await client.post("/api/contacts/client", json={"name": name, "email": "a@example.com"})).json()
    edit = await client.post(f"/contacts/client/{created['id']}", data={"name": name + " Ltd", "email": "b@example.com", "_version": "1"})
    assert edit.status_code == 303
    rows = await fetch(
        'SELECT "action", "field", "actor_id", "ip", "at" FROM "core_audit_change" WHERE "record_id" = {} ORDER BY "id"',
        created["id"],
    )
    updates = [r for r in rows if r["action"] == "update"]
    assert sorted(r["field"] for r in updates) == ["email", "name"]  # one row per changed field
    assert all(r["actor_id"] and r["ip"] == "127.0.0.1" and r["at"] for r in rows)
    page = (await client.get(f"/contacts/client/{created['id']}")).text
    history = page[page.index('id="timeline"'):]
    # One save, one entry: "Edited: Name … → … Ltd; Email a@… → b@…" (fields in the entity's order).
    assert re.search(rf"Edited: <strong>Name</strong> {name} → {name} Ltd; <strong>Email</strong> a@example.com → b@example.com", history)
    assert history.count("Edited:") == 1
    # The creation is one entry too, its values folded away.
    created_entry = re.search(r'<details class="history-created"><summary>Record created</summary>(.*?)</details>', history, re.S)
    assert created_entry and f"<strong>Name</strong> {name}<" in created_entry.group(1)
    assert "Administrator" in history  # who


async def test_history_of_a_hidden_field_is_not_shown(app_factory, make_user, client):
    created = (await client.post("/api/contacts/client", json={"name": f"Hidden {uuid.uuid4().hex[:6]}", "inn": "7707083893"})).json()
    patched = await client.patch(f"/api/contacts/client/{created['id']}", json={"inn": "500100732259"}, headers={"If-Match": '"1"'})
    assert patched.status_code == 200
    role = await custom_role({"contacts.client.read": "all"}, hidden=[("contacts.client", "inn")])
    user = await make_user()
    await UserRole.insert(UserRole(user=user.id, role=role.id))
    async with serving(app_factory(), login=(user.email, USER_PASSWORD)) as viewer:
        page = (await viewer.get(f"/contacts/client/{created['id']}")).text
    assert page.count("<li>") >= 1 and "500100732259" not in page and "7707083893" not in page
    assert "Tax ID" not in page[page.index('id="timeline"'):]

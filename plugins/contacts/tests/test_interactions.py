"""Interactions: on the client's timeline (as the viewer may see them); done asks for the next one."""

from __future__ import annotations

import re
import uuid

from core.permissions.tables import UserRole
from core.testing.fixtures import custom_role


def unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:6]}"


async def test_interactions_of_every_kind_reach_the_clients_timeline(client):
    company = (await client.post("/api/contacts/client", json={"name": unique("Timeline Co")})).json()
    person = (await client.post("/api/contacts/contact", json={"full_name": unique("Ольга"), "client": company["id"]})).json()
    for kind, at in (("call", "2030-01-01T09:00:00Z"), ("meeting", "2030-01-02T09:00:00Z"), ("letter", "2030-01-03T09:00:00Z"),
                     ("email", "2030-01-04T09:00:00Z"), ("note", "2030-01-05T09:00:00Z")):
        made = await client.post("/api/contacts/interaction", json={
            "subject": f"{kind} subject", "kind": kind, "status": "done", "client": company["id"], "contact": person["id"],
            "starts_at": at, "duration_minutes": 30, "participants": "Анна, Иван", "result": f"{kind} went well"})
        assert made.status_code == 201, made.text
    page = (await client.get(f"/contacts/client/{company['id']}")).text
    history = page[page.index('id="timeline"'):]
    order = [history.index(f"{k} subject") for k in ("note", "email", "letter", "meeting", "call")]
    assert order == sorted(order)  # newest first
    assert "meeting went well" in history
    person_page = (await client.get(f"/contacts/contact/{person['id']}")).text
    assert "call subject" in person_page[person_page.index('id="timeline"'):]


async def test_the_timeline_shows_only_interactions_the_viewer_may_read(client, app_factory, make_user):
    from core.testing.fixtures import USER_PASSWORD, serving

    company = (await client.post("/api/contacts/client", json={"name": unique("Private Co")})).json()
    await client.post("/api/contacts/interaction", json={"subject": "secret negotiation", "status": "done", "client": company["id"]})
    role = await custom_role({"contacts.client.read": "all"})  # clients, but no interactions
    viewer = await make_user()
    await UserRole.insert(UserRole(user=viewer.id, role=role.id))
    async with serving(app_factory(), login=(viewer.email, USER_PASSWORD)) as c:
        page = await c.get(f"/contacts/client/{company['id']}")
    assert page.status_code == 200 and "secret negotiation" not in page.text


async def test_completing_a_planned_interaction_asks_for_the_next(client):
    company = (await client.post("/api/contacts/client", json={"name": unique("Next Co")})).json()
    planned = (await client.post("/api/contacts/interaction", json={
        "subject": "First call", "kind": "call", "client": company["id"], "starts_at": "2030-02-01T10:00:00Z",
        "follow_up": "Send the price list"})).json()
    assert planned["status"] == "planned"
    page = (await client.get(f"/contacts/interaction/{planned['id']}")).text
    assert f'action="/contacts/interactions/{planned["id"]}/complete"' in page
    done = await client.post(f"/contacts/interactions/{planned['id']}/complete",
                             data={"result": "Agreed on a demo", "follow_up": "Send the price list", "_version": planned["version"]})
    assert done.status_code == 303 and done.headers["location"] == f"/contacts/interactions/{planned['id']}/next"
    stored = (await client.get(f"/api/contacts/interaction/{planned['id']}")).json()
    assert stored["status"] == "done" and stored["result"] == "Agreed on a demo"
    ask = (await client.get(done.headers["location"])).text
    assert "Plan the next interaction" in ask and 'value="Send the price list"' in ask
    # A bad time is refused and the typed subject stays.
    bad = await client.post(f"/contacts/interactions/{planned['id']}/next", data={"subject": "Demo", "kind": "meeting", "starts_at": "soon"})
    assert bad.status_code == 422 and 'value="Demo"' in bad.text
    nxt = await client.post(f"/contacts/interactions/{planned['id']}/next", data={"subject": "Demo", "kind": "meeting", "starts_at": "2030-02-08T15:00"})
    assert nxt.status_code == 303
    new_id = re.search(r"/contacts/interaction/([0-9a-f-]+)", nxt.headers["location"]).group(1)
    follow = (await client.get(f"/api/contacts/interaction/{new_id}")).json()
    assert follow["previous"] == planned["id"] and follow["client"] == company["id"]
    assert follow["status"] == "planned" and follow["starts_at"].startswith("2030-02-08T15:00")
    # The API cannot forge the link: it is set by the workflow only.
    forged = await client.post("/api/contacts/interaction", json={"subject": "x", "previous": planned["id"]})
    assert forged.status_code in (400, 422)

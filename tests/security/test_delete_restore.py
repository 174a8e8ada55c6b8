"""R6: delete then restore — invisible on every channel while deleted; restored identical, with its relations."""

from __future__ import annotations

import uuid

VOLATILE = {"version", "updated_at", "updated_by"}


def same(before: dict, after: dict) -> dict:
    return {k: (before.get(k), after.get(k)) for k in set(before) | set(after) if k not in VOLATILE and before.get(k) != after.get(k)}


async def test_deleted_client_and_its_contacts_vanish_everywhere_and_come_back_identical(client):
    marker = f"r6{uuid.uuid4().hex[:8]}"
    company = (await client.post("/api/contacts/client", json={"name": f"{marker} Ромашка", "inn": "7707083893", "email": "info@romashka.example"})).json()
    people = [
        (await client.post("/api/contacts/contact", json={"full_name": f"{marker} Анна {i}", "client": str(company["id"])})).json()
        for i in range(2)
    ]
    before_company = (await client.get(f"/api/contacts/client/{company['id']}")).json()
    before_people = [(await client.get(f"/api/contacts/contact/{p['id']}")).json() for p in people]

    assert (await client.delete(f"/api/contacts/client/{company['id']}")).status_code == 204

    # Invisible on every channel, the contacts (trashed with it) too.
    assert (await client.get(f"/api/contacts/client/{company['id']}")).status_code == 404
    assert (await client.get(f"/contacts/client/{company['id']}")).status_code == 404
    for person in people:
        assert (await client.get(f"/api/contacts/contact/{person['id']}")).status_code == 404
        assert (await client.get(f"/contacts/contact/{person['id']}")).status_code == 404
    for api in ("/api/contacts/client", "/api/contacts/contact"):
        assert (await client.get(api, params={"q": marker})).json()["items"] == []
        assert (await client.get(f"{api}/count", params={"q": marker})).json() == {"count": 0}
    listing = await client.get("/contacts/client/", params={"q": marker}, headers={"HX-Request": "true", "HX-Target": "entity-rows"})
    assert listing.status_code == 200 and str(company["id"]) not in listing.text
    # ...but in the trash.
    trash = (await client.get("/api/contacts/client/trash", params={"q": marker})).json()["items"]
    assert [str(t["id"]) for t in trash] == [str(company["id"])]

    restored = await client.post(f"/contacts/client/{company['id']}/restore")
    assert restored.status_code == 303

    after_company = (await client.get(f"/api/contacts/client/{company['id']}")).json()
    assert same(before_company, after_company) == {}
    for person, before in zip(people, before_people):
        after = (await client.get(f"/api/contacts/contact/{person['id']}")).json()
        assert same(before, after) == {}
    page = (await client.get(f"/contacts/client/{company['id']}")).text
    assert all(p["full_name"] in page for p in people)  # the related list is back
    assert (await client.get("/api/contacts/client/count", params={"q": marker})).json() == {"count": 1}


async def test_a_contact_deleted_before_its_client_stays_in_the_trash_after_the_client_is_restored(client):
    marker = f"r6b{uuid.uuid4().hex[:8]}"
    company = (await client.post("/api/contacts/client", json={"name": f"{marker} Co"})).json()
    early = (await client.post("/api/contacts/contact", json={"full_name": f"{marker} early", "client": str(company["id"])})).json()
    kept = (await client.post("/api/contacts/contact", json={"full_name": f"{marker} kept", "client": str(company["id"])})).json()
    assert (await client.delete(f"/api/contacts/contact/{early['id']}")).status_code == 204
    assert (await client.delete(f"/api/contacts/client/{company['id']}")).status_code == 204
    assert (await client.post(f"/api/contacts/client/{company['id']}/restore")).status_code == 200
    assert (await client.get(f"/api/contacts/contact/{kept['id']}")).status_code == 200
    assert (await client.get(f"/api/contacts/contact/{early['id']}")).status_code == 404

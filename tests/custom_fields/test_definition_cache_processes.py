"""Two real app processes (``klientela serve``) on one database, each keeping custom
field definitions in its own memory: a definition changed through one holds on the
very next request to the other."""

from __future__ import annotations

import httpx

from core.testing.clients import login
from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD

FIELDS = "/api/fields/contacts/client"
ASKING_FOR_IT = "/api/contacts/client?fields=name,stamped"


async def test_a_definition_changed_through_one_process_holds_on_the_next_request_to_the_other(two_servers, kernel):
    on_a, on_b = two_servers
    async with httpx.AsyncClient(base_url=on_a) as a, httpx.AsyncClient(base_url=on_b) as b:
        await login(a, ADMIN_EMAIL, ADMIN_PASSWORD)
        await login(b, ADMIN_EMAIL, ADMIN_PASSWORD)
        for _ in range(2):  # B keeps the definitions: no such field
            assert (await b.get(ASKING_FOR_IT)).status_code == 400
            assert (await b.get(FIELDS)).json()["items"] == []

        added = await a.post(FIELDS, json={"name": "stamped", "type": "text", "label": "Stamped"})
        assert added.status_code == 201, added.text
        assert (await b.get(ASKING_FOR_IT)).status_code == 200
        assert (await b.get(f"{FIELDS}/stamped")).json()["label"]["en"] == "Stamped"

        assert (await a.patch(f"{FIELDS}/stamped", json={"label_en": "Renamed"})).status_code == 200
        assert [d["label"]["en"] for d in (await b.get(FIELDS)).json()["items"]] == ["Renamed"]

        assert (await a.post(f"{FIELDS}/stamped/retire")).status_code == 200
        assert (await b.get(ASKING_FOR_IT)).status_code == 400
        created = await b.post("/api/contacts/client", json={"name": "Retired field", "stamped": "x"})
        assert created.status_code in (400, 422) and "stamped" in created.text

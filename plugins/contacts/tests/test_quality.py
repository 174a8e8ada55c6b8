"""Completeness analysis: configurable required fields, counts with drill-down, a score per manager,
all within what the viewer may read."""

from __future__ import annotations

import re
import uuid

from core.testing.fixtures import USER_PASSWORD, serving
from plugins.contacts.quality import DEFAULT_FIELDS, required_fields, set_required_fields


def unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:6]}"


async def test_report_counts_gaps_scores_managers_and_drills_down(app_factory, make_user, client):
    await set_required_fields(["phone", "email", "inn"])
    team = unique("Quality")
    ann = await make_user(roles=["sales_manager"], team=team, name="Ann Q")
    bob = await make_user(roles=["sales_manager"], team=team, name="Bob Q")
    other = await make_user(roles=["sales_manager"], team=unique("Elsewhere"))
    full = {"phone": "+7 916 000-00-02", "email": "full@example.com", "inn": "7707083893"}
    cards = [(ann, unique("Ann full"), full), (ann, unique("Ann no phone"), {"email": "a@example.com", "inn": "7707083893"}),
             (bob, unique("Bob empty"), {}), (other, unique("Other empty"), {})]
    for owner, name, values in cards:
        made = await client.post("/api/contacts/client", json={"name": name, "owner_id": str(owner.id), **values})
        assert made.status_code == 201, made.text
    async with serving(app_factory(), login=(ann.email, USER_PASSWORD)) as as_ann:
        page = (await as_ann.get("/contacts/quality/")).text
        assert "Cards: 3" in page and "complete: 1" in page  # the other team's card is out of sight
        assert re.search(r"Phone</td><td><a href=\"\?field=phone\">2<", page)
        assert re.search(r"Ann Q</a></td><td>2</td><td>1</td><td>83.3<", page)  # (1 + 2/3) / 2
        assert re.search(r"Bob Q</a></td><td>1</td><td>0</td><td>0.0<", page)
        drill = (await as_ann.get("/contacts/quality/", params={"field": "phone"})).text
        section = drill[drill.index('id="q-drill"'):]
        assert cards[1][1] in section and cards[2][1] in section and cards[0][1] not in section
        by_owner = (await as_ann.get("/contacts/quality/", params={"owner": str(bob.id)})).text
        assert cards[2][1] in by_owner[by_owner.index('id="q-drill"'):]
        # A manager cannot choose what a good card is.
        assert 'action="/contacts/quality/fields"' not in page
        assert (await as_ann.post("/contacts/quality/fields", data={"fields": "name"})).status_code == 404
    assert await required_fields() == ["inn", "phone", "email"]


async def test_the_administrator_configures_the_required_fields(client):
    page = (await client.get("/contacts/quality/")).text
    assert 'action="/contacts/quality/fields"' in page
    done = await client.post("/contacts/quality/fields", data={"fields": ["website", "region"]})
    assert done.status_code == 303
    assert await required_fields() == ["region", "website"]
    await client.post("/contacts/quality/fields", data={})  # nothing chosen: back to the defaults
    assert await required_fields() == list(DEFAULT_FIELDS)

"""What one list request reads: the responsible users' names kept per worker behind the
principal stamp (a rename shows on the next request), and only the columns the page
shows (issue 16: the list page's cost)."""

from __future__ import annotations

import uuid

from core.auth.tables import User
from core.entities.values import USER_TITLES

PAGE = "/contacts/client/"
API = "/api/contacts/client"


async def test_the_responsible_column_reads_names_once_and_shows_a_rename_at_once(client, make_user):
    marker = f"rc{uuid.uuid4().hex[:8]}"
    owner = await make_user(name=f"Owner {marker}")
    created = await client.post(API, json={"name": f"{marker} Client", "owner_id": str(owner.id)})
    assert created.status_code == 201, created.text
    params = {"q": marker, "columns": "name,owner_id"}
    assert f"Owner {marker}" in (await client.get(PAGE, params=params)).text
    loads = USER_TITLES.loads
    for _ in range(3):
        assert f"Owner {marker}" in (await client.get(PAGE, params=params)).text
    assert USER_TITLES.loads == loads  # kept: the stamp did not move

    # Renamed past the account screens (a script's SQL): the trigger moves the stamp.
    await User.update({User.name: f"Renamed {marker}"}).where(User.id == owner.id)
    page = (await client.get(PAGE, params=params)).text
    assert f"Renamed {marker}" in page and f"Owner {marker}" not in page


async def test_the_page_reads_only_the_columns_it_shows(client, monkeypatch):
    from core.permissions.gate import Gate

    marker = f"rc{uuid.uuid4().hex[:8]}"
    assert (await client.post(API, json={"name": f"{marker} Client", "email": "seen@example.com", "inn": "7707083893"})).status_code == 201
    asked = []
    list_query = Gate.list_query

    def recorded(self, req):
        asked.append(list(req.fields))
        return list_query(self, req)

    monkeypatch.setattr(Gate, "list_query", recorded)
    page = await client.get(PAGE, params={"q": marker, "columns": "name,email"})
    assert page.status_code == 200 and "seen@example.com" in page.text and "7707083893" not in page.text
    assert asked == [["id", "version", "name", "email"]]

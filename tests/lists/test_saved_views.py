"""Saved views (configurable desktop filters): personal ones are their owner's alone,
shared ones need core.saved_view.share, every view is checked against the gate when
saved, and editions without the feature have none of it."""

from __future__ import annotations

import re
import uuid

import pytest

from core.permissions.tables import UserRole
from core.saved_views.tables import SavedView
from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD, custom_role

PAGE = "/contacts/client/"


@pytest.fixture
def marker() -> str:
    return f"sv{uuid.uuid4().hex[:8]}"


def view_links(html: str) -> dict[str, str]:
    """Saved view name -> its link, from the list page's saved-views navigation."""
    nav = re.search(r'<nav class="saved-views".*?</nav>', html, re.S)
    if not nav:
        return {}
    return {name: href.replace("&amp;", "&") for href, name in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(0))}


async def save(client, name: str, state: str, shared: bool = False):
    data = {"entity": "contacts.client", "name": name, "state": state}
    if shared:
        data["shared"] = "on"
    return await client.post("/saved-views/", data=data)


async def count_views() -> int:
    return await SavedView.count()


async def test_a_personal_view_is_its_owners_alone_and_opens_as_the_saved_url(client_as, make_user, marker):
    ann = await make_user(roles=["sales_manager"])
    bob = await make_user(roles=["sales_manager"])
    async with client_as(ann) as a, client_as(bob) as b:
        created = await save(a, f"{marker} people", f"?kind=person&q={marker}&cursor=abc&sort=-name")
        assert created.status_code == 303
        location = created.headers["location"]
        # The state is kept without its page position, and opening it is opening that URL.
        assert location.startswith(f"{PAGE}?kind=person&q={marker}&sort=-name&view=")
        mine = (await a.get(PAGE)).text
        assert view_links(mine)[f"{marker} people"] == location
        assert (await a.get(location)).status_code == 200
        assert f"{marker} people" not in view_links((await b.get(PAGE)).text)
        # Someone else's personal view cannot be deleted, nor told apart from a missing one.
        view_id = location.rsplit("view=", 1)[1]
        assert (await b.post(f"/saved-views/{view_id}/delete")).status_code == 404
        assert (await b.post(f"/saved-views/{uuid.uuid4()}/delete")).status_code == 404
        assert await SavedView.exists().where(SavedView.id == view_id)
        assert (await a.post(f"/saved-views/{view_id}/delete")).status_code == 303
        assert not await SavedView.exists().where(SavedView.id == view_id)


async def test_sharing_needs_the_share_permission_and_shared_views_are_seen_by_all(client_as, make_user, marker):
    manager = await make_user(roles=["sales_manager"])
    head = await make_user(roles=["head_of_sales"])
    before = await count_views()
    async with client_as(manager) as m, client_as(head) as h:
        refused = await save(m, f"{marker} mine for all", "kind=company", shared=True)
        assert refused.status_code == 400 and "you may not share views" in refused.text
        assert await count_views() == before  # nothing half-saved
        # A manager's page offers no share checkbox; the head of sales' page does.
        assert 'name="shared"' not in (await m.get(PAGE)).text and 'name="shared"' in (await h.get(PAGE)).text
        shared = await save(h, f"{marker} companies", "kind=company", shared=True)
        assert shared.status_code == 303
        assert f"{marker} companies" in view_links((await m.get(PAGE)).text)
        view_id = shared.headers["location"].rsplit("view=", 1)[1]
        # Seeing a shared view is not owning it.
        assert (await m.post(f"/saved-views/{view_id}/delete")).status_code == 404
        again = await save(h, f"{marker} companies", "kind=person")
        assert again.status_code == 400 and "already have a view with this name" in again.text


async def test_bad_state_is_refused_with_a_message_per_parameter_and_nothing_saved(client, marker):
    before = await count_views()
    for state, key in (("sort=nonsense", "nonsense"), ("name__near=x", "name__near"), ("columns=name,bogus", "bogus"),
                       ("created_at__gte=yesterday", "created_at"), ("limit=0", "limit"), ("x" * 2100, "state")):
        response = await save(client, f"{marker} bad", state)
        assert response.status_code == 400 and key in response.text, (state, response.text[-600:])
    empty_name = await save(client, "   ", "kind=company")
    assert empty_name.status_code == 400 and "give the view a name" in empty_name.text
    unknown_entity = await client.post("/saved-views/", data={"entity": "nope.nothing", "name": "x", "state": ""})
    assert unknown_entity.status_code == 404
    assert await count_views() == before


async def test_a_view_on_a_field_someone_may_not_read_is_refused_to_them_and_hidden_from_them(app_factory, client_as, make_user, client, marker):
    role = await custom_role({"contacts.client.read": "all", "core.saved_view.read": "own", "core.saved_view.write": "own"},
                             hidden=[("contacts.client", "email")])
    user = await make_user()
    await UserRole.insert(UserRole(user=user.id, role=role.id))
    shared = await save(client, f"{marker} by email", "email__contains=example", shared=True)
    assert shared.status_code == 303
    async with client_as(user) as c:
        refused = await save(c, f"{marker} mine", "email__contains=example")
        assert refused.status_code == 400 and "email" in refused.text
        hidden_column = await save(c, f"{marker} cols", "columns=name,email")
        assert hidden_column.status_code == 400 and "no such column: email" in hidden_column.text
        links = view_links((await c.get(PAGE)).text)
        assert f"{marker} by email" not in links  # offered only to who can open it
        assert (await save(c, f"{marker} fine", "columns=name,kind&kind=person")).status_code == 303


@pytest.mark.parametrize("edition", ["basic", "standard"])
async def test_editions_without_saved_views_have_none_of_it(client_as, edition):
    async with client_as(ADMIN_EMAIL, password=ADMIN_PASSWORD, edition=edition) as c:
        page = (await c.get(PAGE)).text
        assert "saved-views" not in page and 'action="/saved-views/"' not in page
        refused = await c.post("/saved-views/", data={"entity": "contacts.client", "name": "x", "state": ""})
        assert refused.status_code == 404

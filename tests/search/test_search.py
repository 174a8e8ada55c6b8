"""Global search: grouped hits through the gate, the shell's results, the palette, and the hook."""

from __future__ import annotations

import re
import types
import uuid

from core.hooks import hookimpl
from core.hooks.contributions import SearchGroup, SearchHit
from core.testing.fixtures import custom_role


def mark() -> str:
    return f"gs{uuid.uuid4().hex[:10]}"


async def create(http, path, **values) -> dict:
    response = await http.post(f"/api{path}", json=values)
    assert response.status_code == 201, response.text
    return response.json()


async def test_hits_are_grouped_by_entity_and_link_to_records(client):
    m = mark()
    firm = await create(client, "/contacts/client", name=f"{m} Acme", email=f"{m}@acme.example")
    person = await create(client, "/contacts/contact", full_name=f"{m} Ann Smith", client=firm["id"])
    page = await client.get(f"/search?q={m}")
    assert page.status_code == 200
    assert f'href="/contacts/client/{firm["id"]}"' in page.text and f'href="/contacts/contact/{person["id"]}"' in page.text
    headings = re.findall(r'<h2 id="sg-\d+">([^<]*)</h2>', page.text)
    assert "Clients" in headings and "Contact persons" in headings
    suggest = await client.get(f"/search/suggest?q={m}", headers={"HX-Request": "true"})
    assert f"{m} Acme" in suggest.text and "<html" not in suggest.text
    assert (await client.get("/search/suggest?q=a")).text.strip() == ""  # too short: nothing, no query


async def test_search_respects_the_record_scope_and_hidden_fields(client, client_as, make_user):
    m = mark()
    await create(client, "/contacts/client", name=f"{m} Admin's client", email=f"{m}-hidden@acme.example")
    own = await custom_role({"contacts.client.read": "own", "contacts.client.create": "own"})
    ann = await make_user(roles=[own.key])
    async with client_as(ann) as c:
        mine = await create(c, "/contacts/client", name=f"{m} Ann's client")
        page = await c.get(f"/search?q={m}")
        assert f"/contacts/client/{mine['id']}" in page.text and "Admin&#39;s client" not in page.text and "Admin's client" not in page.text
    hidden = await custom_role({"contacts.client.read": "all"}, hidden=[("contacts.client", "email")])
    bob = await make_user(roles=[hidden.key])
    async with client_as(bob) as c:
        assert "Admin" not in (await c.get(f"/search?q={m}-hidden")).text.split("<main")[1]  # matched only by the hidden email
        assert "Admin" in (await c.get(f"/search?q={m} Admin")).text.split("<main")[1]
    nobody = await make_user(roles=[])
    async with client_as(nobody) as c:
        page = await c.get(f"/search?q={m}")
        assert page.status_code == 200 and "Nothing found" in page.text


async def test_palette_offers_actions_and_records(client, client_as, make_user):
    m = mark()
    firm = await create(client, "/contacts/client", name=f"{m} Palette Ltd")
    options = await client.get("/search/palette?q=new client", headers={"HX-Request": "true"})
    assert 'data-href="/contacts/client/new"' in options.text
    records = await client.get(f"/search/palette?q={m}")
    assert f'data-href="/contacts/client/{firm["id"]}"' in records.text
    reader = await custom_role({"contacts.client.read": "all"})
    ann = await make_user(roles=[reader.key])
    async with client_as(ann) as c:
        text = (await c.get("/search/palette?q=client")).text
        assert "/contacts/client/new" not in text and 'data-href="/contacts/client/"' in text


async def test_plugins_contribute_through_the_hook(app_factory, client_as, make_user):
    from core.testing.clients import serving
    from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD

    @hookimpl
    async def search_results(kernel, request, query, principal):
        return [SearchGroup("helpdesk.article", {"en": "Help articles"}, (SearchHit(f"How to {query}", "/help/1", "guide"),), order=10)]

    app = app_factory()
    app.state.kernel.pm.register(types.SimpleNamespace(search_results=search_results), name="test-search")
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as c:
        page = await c.get("/search?q=export data")
        assert "Help articles" in page.text and "How to export data" in page.text and 'href="/help/1"' in page.text


async def test_search_needs_a_session(anonymous):
    assert (await anonymous.get("/search?q=abc")).status_code == 303
    assert (await anonymous.get("/search/suggest?q=abc", headers={"HX-Request": "true"})).status_code == 401


async def test_the_exact_title_comes_first_not_the_newest(client):
    """Ctrl+K for "Acme Supplies 5" opened "Acme Supplies 110": newer matches came first."""
    m = mark()
    exact = await create(client, "/contacts/client", name=f"{m} Acme Supplies 5")
    for n in (15, 50, 105, 110, 150, 205, 250):  # all newer, all containing "5"
        await create(client, "/contacts/client", name=f"{m} Acme Supplies {n}")
    palette = await client.get(f"/search/palette?q={m} Acme Supplies 5")
    hrefs = re.findall(r'data-href="(/contacts/client/[^"]+)"', palette.text)
    assert hrefs[0] == f"/contacts/client/{exact['id']}", hrefs
    # The prefix matches follow, shortest first: "... 50" before "... 150".
    page = await client.get(f"/search?q={m} Acme Supplies 5")
    assert page.text.index(f"{m} Acme Supplies 5<") < page.text.index(f"{m} Acme Supplies 50")


async def test_a_phone_is_found_as_people_type_it(client):
    """Stored as +74955005550; typed as 8 (495) 500-55-50 it found nothing."""
    m = mark()
    firm = await create(client, "/contacts/client", name=f"{m} Phone Ltd", phone="+7 495 500-55-50")
    for typed in ("8 (495) 500-55-50", "+7 (495) 500 55 50", "495 500-55-50", "500-55-50"):
        found = await client.get("/api/contacts/client", params={"q": typed})
        assert firm["id"] in [r["id"] for r in found.json()["items"]], typed
    # A tax id or a number without separators is still searched as typed.
    assert (await client.get("/api/contacts/client", params={"q": "84955005550"})).json()["items"] == []


def test_search_terms():
    from core.search.ranking import search_terms

    assert search_terms("8 (495) 500-55-50") == ["955005550"]
    assert search_terms("  Acme   Supplies ") == ["acme", "supplies"]
    assert search_terms("7707083893") == ["7707083893"]  # digits only: a tax id, not a phone
    assert search_terms("2023") == ["2023"]
    assert search_terms("12-3") == ["12-3"]  # too few digits for a phone

"""The generic entity pages and API a declared entity gets: list (search, filter,
sort, keyset paging), forms with per-field errors, optimistic locking, bulk actions, trash."""

from __future__ import annotations

import re
import uuid

import pytest

from core.auth.tables import User
from core.testing.fixtures import ADMIN_EMAIL

API = "/api/contacts/client"
PAGE = "/contacts/client"


@pytest.fixture
def marker() -> str:
    return f"pg{uuid.uuid4().hex[:8]}"


async def make_clients(client, marker: str, names: list[str], **extra) -> list[dict]:
    out = []
    for name in names:
        response = await client.post(API, json={"name": f"{marker} {name}", **extra})
        assert response.status_code == 201, response.text
        out.append(response.json())
    return out


def row_names(html: str, marker: str) -> list[str]:
    return re.findall(rf">({marker} [^<]+)</a></td>", html)


async def test_list_page_searches_filters_sorts_and_pages_by_keyset(client, marker):
    await make_clients(client, marker, ["Вега", "Альфа", "Бета"], kind="company")
    await make_clients(client, marker, ["Гамма"], kind="person")
    page = (await client.get(f"{PAGE}/", params={"q": marker})).text
    assert row_names(page, marker) == [f"{marker} {n}" for n in ("Альфа", "Бета", "Вега", "Гамма")]
    desc = (await client.get(f"{PAGE}/", params={"q": marker, "sort": "-name"})).text
    assert row_names(desc, marker)[0] == f"{marker} Гамма"
    people = (await client.get(f"{PAGE}/", params={"q": marker, "kind": "person"})).text
    assert row_names(people, marker) == [f"{marker} Гамма"]
    # Keyset paging: two per page, the "next" link carries a cursor, not an offset.
    first = (await client.get(f"{PAGE}/", params={"q": marker, "limit": 2})).text
    assert row_names(first, marker) == [f"{marker} Альфа", f"{marker} Бета"]
    next_href = re.search(r'rel="next" href="\?([^"]+)"', first).group(1).replace("&amp;", "&")
    assert "cursor=" in next_href and "offset" not in next_href
    second = (await client.get(f"{PAGE}/?{next_href}")).text
    assert row_names(second, marker) == [f"{marker} Вега", f"{marker} Гамма"]
    # The htmx partial is only the rows.
    partial = await client.get(f"{PAGE}/", params={"q": marker}, headers={"HX-Request": "true", "HX-Target": "entity-rows"})
    assert partial.text.lstrip().startswith('<div id="entity-rows"') and "<html" not in partial.text
    # The API answers the same query string with the same rows.
    api = (await client.get(API, params={"q": marker, "sort": "-name", "limit": 2})).json()
    assert [i["name"] for i in api["items"]] == [f"{marker} Гамма", f"{marker} Вега"] and api["next_cursor"]


async def test_bad_list_parameters_are_clear_400s(client):
    for params, key in (({"sort": "nonsense"}, "nonsense"), ({"limit": "x"}, "limit"), ({"name__near": "a"}, "name__near"),
                        ({"cursor": "garbage"}, "cursor"), ({"q": "a\x00b"}, "q"), ({"name": "\x00"}, "name")):
        response = await client.get(API, params=params)
        assert response.status_code == 400 and key in response.json()["errors"], (params, response.text)
        page = await client.get(f"{PAGE}/", params=params)
        assert page.status_code == 400 and key in page.text
    # The count endpoint reads the same parameters (PostgreSQL answered 500 to a NUL in q).
    assert (await client.get(f"{API}/count", params={"q": "\x00"})).status_code == 400


async def test_create_form_shows_per_field_errors_and_keeps_what_was_typed(client, marker):
    response = await client.post(f"{PAGE}/", data={"name": "", "email": "not-an-email", "inn": "123", "kind": "company",
                                                   "phone": f"{marker}-typed"})
    assert response.status_code == 422
    html = response.text
    assert 'id="e-name"' in html and 'id="e-email"' in html and 'id="e-inn"' in html
    assert f'value="{marker}-typed"' in html and 'value="not-an-email"' in html  # nothing typed is lost
    assert (await client.get(API, params={"q": marker})).json()["items"] == []
    ok = await client.post(f"{PAGE}/", data={"name": f"{marker} Ромашка", "kind": "company", "email": f"info@{marker}.example"})
    assert ok.status_code == 303 and ok.headers["location"].startswith(f"{PAGE}/")


async def test_stale_edit_is_a_conflict_that_shows_what_changed_never_an_overwrite(client, marker):
    [row] = await make_clients(client, marker, ["Original"])
    first = await client.post(f"{PAGE}/{row['id']}", data={"name": f"{marker} First", "kind": "company", "_version": "1"})
    assert first.status_code == 303
    stale = await client.post(f"{PAGE}/{row['id']}", data={"name": f"{marker} Second", "kind": "company", "_version": "1"})
    assert stale.status_code == 409
    assert f"{marker} First" in stale.text and f'value="{marker} Second"' in stale.text  # stored and typed both shown
    api_stale = await client.patch(f"{API}/{row['id']}", json={"name": f"{marker} Third"}, headers={"If-Match": '"1"'})
    assert api_stale.status_code == 412
    body = api_stale.json()
    assert body["changed"]["name"] == {"yours": f"{marker} Third", "stored": f"{marker} First"}
    assert body["current"]["version"] == 2
    no_version = await client.patch(f"{API}/{row['id']}", json={"name": "x"})
    assert no_version.status_code == 400 and "If-Match" in no_version.json()["errors"]
    assert (await client.get(f"{API}/{row['id']}")).json()["name"] == f"{marker} First"


async def test_bulk_delete_assign_and_set_report_each_record(client, marker, make_user):
    rows = await make_clients(client, marker, ["A", "B", "C", "D"])
    ids = [str(r["id"]) for r in rows]
    html = (await client.get(f"{PAGE}/", params={"q": marker})).text
    assert 'form="bulk"' in html and 'name="action"' in html
    colleague = await make_user(name="Colleague")
    # Success leads back to the list the user came from, with the message there.
    back = {"Referer": f"https://testserver{PAGE}/?q={marker}"}
    assign = await client.post(f"{PAGE}/bulk", data={"action": "assign", "ids": ids[:2], "user": str(colleague.id)}, headers=back)
    assert assign.status_code == 303 and assign.headers["location"] == f"{PAGE}/?q={marker}"
    assert "2 records assigned." in flash_text((await client.get(assign.headers["location"])).text)
    for rid in ids[:2]:
        assert (await client.get(f"{API}/{rid}")).json()["owner_id"] == str(colleague.id)
    set_kind = await client.post(f"{PAGE}/bulk", data={"action": "set", "ids": ids[2:], "field": "kind", "value": "person"})
    assert set_kind.status_code == 303 and set_kind.headers["location"] == f"{PAGE}/"
    assert "2 records changed." in flash_text((await client.get(f"{PAGE}/")).text)
    assert {(await client.get(f"{API}/{rid}")).json()["kind"] for rid in ids[2:]} == {"person"}
    # Records left alone are named (by title, never by id), with the way back to the list.
    bad = await client.post(f"{PAGE}/bulk", data={"action": "set", "ids": ids[:1], "field": "kind", "value": "alien"})
    assert bad.status_code == 200 and "Done: 0" in bad.text.replace("</p>", "") and f"{marker} A: " in bad.text
    assert ids[0] not in bad.text and f'href="{PAGE}/"' in bad.text
    missing = str(uuid.uuid4())
    # Delete asks first (a page of its own), naming what goes; nothing is deleted yet.
    ask = await client.post(f"{PAGE}/bulk", data={"action": "delete", "ids": [ids[3], missing]})
    assert ask.status_code == 200 and f"{marker} D" in ask.text and 'name="_confirm"' in ask.text
    assert (await client.get(f"{API}/{ids[3]}")).status_code == 200
    deleted = await client.post(f"{PAGE}/bulk", data={"action": "delete", "ids": [ids[3], missing], "_confirm": "1"})
    assert "Done: 1" in deleted.text.replace("</p>", "") and "a record that is not available: not found" in deleted.text
    trash = (await client.get(f"{PAGE}/trash", params={"q": marker})).text
    assert ids[3] in trash and "/restore" in trash
    gone = await client.post(f"{PAGE}/bulk", data={"action": "delete", "ids": ids[:1], "_confirm": "1"})
    assert gone.status_code == 303
    assert "1 record moved to the trash." in flash_text((await client.get(f"{PAGE}/")).text)


def flash_text(html: str) -> str:
    """The text of the shell's message region (core/web/flash.py), tags dropped."""
    region = re.search(r'<div id="flash".*?</div>\s*</div>|<div id="flash"[^>]*>\s*</div>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", region.group(0))) if region else ""


async def test_admin_is_the_creator_and_owner_of_what_they_create(client, marker):
    [row] = await make_clients(client, marker, ["Mine"])
    admin = await User.objects().where(User.email == ADMIN_EMAIL).first()
    assert row["owner_id"] == str(admin.id) and row["created_by"] == str(admin.id) and row["version"] == 1

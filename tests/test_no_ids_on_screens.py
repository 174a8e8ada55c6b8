"""A person reads names, never ids: no UUID in the visible text of any main screen.

Walks the corp app as an administrator and as a sales manager: the home
page, every page its menu links to, and from each list the first record's
page. On each, the text a person sees (not attributes, scripts, hidden
inputs or elements) must hold no UUID, except inside the record page's
collapsed "record details" block, which is where ids live on purpose.

The pages are found from the menu rather than listed here, so a new
plugin's screens are walked as soon as its menu items exist.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from lxml import html

from core.testing.fixtures import unique_email

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
# An id shown short ("Responsible: 01a24fe8"): the first 8 hex digits of an id this test knows
# (its records' and people's, and any id the page carries in its links and inputs). Other
# tests' record names carry random hex markers, so any 8-hex word would be a false alarm.
def short_ids(text: str, known: set[str]) -> list[str]:
    return [w for w in re.findall(r"(?<![\w-])[0-9a-f]{8}(?![\w-])", text) if w in known]


INVISIBLE = "//script | //style | //template | //noscript | //*[@hidden] | //input[@type='hidden'] | //*[contains(concat(' ', normalize-space(@class), ' '), ' record-details ')]"
SKIP = ("/logout", "/trash", "/export", "/static/", "/api/", "/schema", "/search/palette", "/board/", ".ics", ".vcf", ".csv", ".xlsx")
MAX_PAGES = 80


def visible_text(page: str) -> str:
    tree = html.fromstring(page)
    for node in tree.xpath(INVISIBLE):
        node.drop_tree()
    return " ".join(tree.text_content().split())


def links(page: str, selector: str) -> list[str]:
    tree = html.fromstring(page)
    out = []
    for href in tree.xpath(selector):
        path = urlsplit(href)
        if path.scheme or path.netloc or not path.path.startswith("/") or any(s in href for s in SKIP):
            continue
        out.append(href.split("#")[0])
    return list(dict.fromkeys(out))


async def walk(http, known: set[str]) -> dict[str, list[str]]:
    """Visible ids per page path: the home page, the menu's pages, the pages they link to
    (an overview page leads to its lists), and one record of each list."""
    home = await http.get("/")
    assert home.status_code == 200
    menu = ["/"] + links(home.text, "//nav//a/@href")
    seen: dict[str, list[str]] = {}
    queue = [(path, 0) for path in menu]
    records_of: set[str] = set()
    while queue and len(seen) < MAX_PAGES:
        path, depth = queue.pop(0)
        if path in seen:
            continue
        response = await http.get(path)
        if response.status_code != 200 or "text/html" not in response.headers.get("content-type", ""):
            seen[path] = []
            continue
        text = visible_text(response.text)
        # Ids the page carries in its links and inputs are ids too: their short form must not show.
        carried = {u[:8].lower() for u in UUID.findall(response.text)}
        seen[path] = UUID.findall(text) + short_ids(text, known | carried)
        if depth >= 2:
            continue
        for href in links(response.text, "//main//a/@href"):
            if "?" in href or "/edit" in href or "/new" in href:
                continue
            if UUID.search(href):  # a record: one per list is enough
                if path not in records_of:
                    records_of.add(path)
                    queue.append((href, depth + 1))
            elif href.count("/") <= 4:
                queue.append((href, depth + 1))
    return seen


async def _world(client, make_user):
    """Records that reference people, companies and choices: what used to show as ids."""
    manager = await make_user(unique_email("walker"), roles=["sales_manager"], team="Walk-1", department="Sales/Walk",
                              name="Vera Walker")
    firm = (await client.post("/api/contacts/client", json={
        "name": "Walk Trading LLC", "stage": "potential", "importance": "high", "owner_id": str(manager.id)})).json()
    person = (await client.post("/api/contacts/contact", json={
        "full_name": "Anna Walk", "client": firm["id"], "owner_id": str(manager.id)})).json()
    task = (await client.post("/api/contacts/task", json={"title": "Call Anna about the offer", "client": firm["id"],
                                                           "owner_id": str(manager.id)})).json()
    call = (await client.post("/api/contacts/interaction", json={"subject": "First call", "kind": "call", "client": firm["id"],
                                                         "contact": person["id"], "owner_id": str(manager.id)})).json()
    admin = (await client.get("/api/auth/me")).json()
    known = {str(x)[:8] for x in (manager.id, admin.get("id"), firm["id"], person["id"], task.get("id"), call.get("id")) if x}
    return manager, known, firm["id"]


@pytest.mark.parametrize("who", ["administrator", "sales_manager"])
async def test_no_uuid_in_visible_text(who, client, client_as, make_user):
    manager, known, firm_id = await _world(client, make_user)
    if who == "administrator":
        # A refused request is a security event whose recorded path holds a record's id.
        nobody = await make_user(unique_email("nobody"))
        async with client_as(nobody) as c:
            assert (await c.get(f"/contacts/client/{firm_id}")).status_code == 404
    if who == "administrator":
        found = await walk(client, known)
    else:
        async with client_as(manager) as c:
            found = await walk(c, known)
    assert len(found) >= 5, found.keys()
    offending = {path: ids for path, ids in found.items() if ids}
    assert not offending, offending

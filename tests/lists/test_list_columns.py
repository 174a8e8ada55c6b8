"""List views: columns chosen in the URL (custom fields included), sort marks on the
headers, the filter form's parameters, and the state carried through htmx swaps."""

from __future__ import annotations

import re
import uuid
from urllib.parse import parse_qsl

import pytest

from core.custom_fields.tables import CustomField
from core.permissions.tables import UserRole
from core.testing.fixtures import custom_role

PAGE = "/contacts/client/"
API = "/api/contacts/client"


@pytest.fixture
def marker() -> str:
    return f"lc{uuid.uuid4().hex[:8]}"


@pytest.fixture
async def custom_text(client):
    """A text custom field on clients, removed afterwards (other suites share the database)."""
    name = f"cf_{uuid.uuid4().hex[:8]}"
    response = await client.post("/api/fields/contacts/client", json={"name": name, "type": "text", "label": {"en": "Segment code"}})
    assert response.status_code == 201, response.text
    yield name
    await CustomField.delete().where(CustomField.name == name)


def headers(html: str) -> list[str]:
    head = re.search(r"<thead>.*?</thead>", html, re.S).group(0)
    return [re.sub(r"<[^>]+>|[▲▼]", "", h).strip() for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', head, re.S)]


async def test_columns_come_from_the_url_in_order_custom_fields_included(client, marker, custom_text):
    await client.post(API, json={"name": f"{marker} Alpha", "email": "alpha@example.com", custom_text: "SEG-7"})
    page = await client.get(PAGE, params={"q": marker, "columns": f"email,{custom_text},name"})
    assert page.status_code == 200
    assert headers(page.text)[1:] == ["Email", "Segment code", "Name"]  # after the bulk checkbox column
    assert "SEG-7" in page.text and "alpha@example.com" in page.text
    # Checkboxes of the column chooser send columns=a&columns=b: the same view.
    same = await client.get(PAGE, params=[("q", marker), ("columns", "email"), ("columns", custom_text), ("columns", "name")])
    assert headers(same.text) == headers(page.text)
    # The chooser offers every readable field and ticks the chosen ones.
    chooser = re.search(r'<form id="column-chooser".*?</form>', page.text, re.S).group(0)
    assert f'value="{custom_text}" checked' in chooser and 'value="kind">' in chooser and 'value="created_at"' in chooser
    assert 'value="version"' not in chooser and 'value="deleted_at"' not in chooser
    # Links keep the columns: sorting by a header does not drop them.
    sort_link = re.search(r'<a href="\?([^"]+)" hx-get="[^"]+">Email', page.text).group(1).replace("&amp;", "&")
    assert "columns=email%2C" in sort_link and "sort=email" in sort_link
    default = await client.get(PAGE, params={"q": marker})
    assert headers(default.text)[1:4] == ["Name", "Type", "Relationship stage"] or headers(default.text)[1] == "Name"


async def test_unknown_and_hidden_columns_are_refused_alike(client, client_as, make_user):
    bad = await client.get(PAGE, params={"columns": "name,nonsense"})
    assert bad.status_code == 400 and "no such column: nonsense" in bad.text
    assert (await client.get(PAGE, params={"columns": "name,version"})).status_code == 400  # system bookkeeping
    role = await custom_role({"contacts.client.read": "all"}, hidden=[("contacts.client", "email")])
    user = await make_user()
    await UserRole.insert(UserRole(user=user.id, role=role.id))
    async with client_as(user) as c:
        hidden = await c.get(PAGE, params={"columns": "name,email"})
        assert hidden.status_code == 400 and "no such column: email" in hidden.text
        page = (await c.get(PAGE)).text
        chooser = re.search(r'<form id="column-chooser".*?</form>', page, re.S).group(0)
        assert 'value="email"' not in chooser and 'value="name"' in chooser


async def test_sort_marks_filter_form_and_state_carried_by_the_partial(client, marker):
    for name, email in (("Beta", "b@example.com"), ("Alpha", "a@other.example"), ("Gamma", "g@example.com")):
        await client.post(API, json={"name": f"{marker} {name}", "email": email, "kind": "company"})
    page = (await client.get(PAGE, params={"q": marker, "sort": "-name", "columns": "name,email", "limit": "2"})).text
    assert re.search(r'<th scope="col" aria-sort="descending"><a [^>]*>Name', page)
    # The filter form has a "contains" box per text column; sort, columns and limit ride along with it.
    assert 'name="email__contains"' in page and 'name="name__contains"' in page
    for key, value in (("sort", "-name"), ("columns", "name,email"), ("limit", "2")):
        assert f'<input type="hidden" form="list-filters" name="{key}" value="{value}">' in page
    filtered = await client.get(PAGE, params={"q": marker, "email__contains": "example.com", "sort": "-name", "columns": "name,email"},
                                headers={"HX-Request": "true", "HX-Target": "entity-rows"})
    names = re.findall(rf">({marker} \w+)</a></td>", filtered.text)
    assert names == [f"{marker} Gamma", f"{marker} Beta"]  # Alpha's address is elsewhere; still sorted
    assert '<input type="hidden" form="list-filters" name="sort" value="-name">' in filtered.text
    # "Save view" stores exactly this state, without the page position.
    state = re.search(r'name="state" value="([^"]*)"', filtered.text).group(1).replace("&amp;", "&")
    assert sorted(parse_qsl(state)) == sorted([("q", marker), ("email__contains", "example.com"), ("sort", "-name"), ("columns", "name,email")])
    # Range filters on dates: created from tomorrow finds nothing.
    later = await client.get(PAGE, params={"q": marker, "created_at__gte": "2999-01-01"})
    assert later.status_code == 200 and marker not in re.sub(r'value="[^"]*"', "", later.text.split("<tbody>")[1])


async def test_the_export_button_carries_the_views_state(client, marker):
    await client.post(API, json={"name": f"{marker} Exported", "email": "e@example.com"})
    page = (await client.get(PAGE, params={"q": marker, "columns": "name,email", "sort": "-name"})).text
    # A form that POSTs (starting an export writes), its action the view's state, the format its button.
    actions = re.findall(r'<form method="post" action="(/export/contacts/client\?[^"]+)"', page)
    assert len(actions) == 1 and 'name="format" value="csv"' in page  # one export, in the rows' bar (renewed with each filter change)
    for action in actions:
        href = action.replace("&amp;", "&")
        assert sorted(parse_qsl(href.split("?", 1)[1])) == sorted([("q", marker), ("columns", "name,email"), ("sort", "-name")])
    export = await client.post(href, data={"format": "csv"})
    assert export.status_code == 200 and f"{marker} Exported" in export.text

"""Quick create in a modal and "new" pre-filled from a related list: the dialog, errors
kept in place (the dialog stays open), success as a note, pre-fill refused for fields
the form does not offer, and nothing for users who may not create."""

from __future__ import annotations

import re
import uuid

import pytest

from core.permissions.tables import UserRole
from core.testing.fixtures import custom_role

CLIENTS = "/contacts/client"
CONTACTS = "/contacts/contact"
HX = {"HX-Request": "true", "HX-Target": "modal-slot"}


@pytest.fixture
def marker() -> str:
    return f"qc{uuid.uuid4().hex[:8]}"


async def test_quick_create_dialog_errors_in_place_then_a_note_with_the_new_record(client, marker):
    dialog = await client.get(f"{CLIENTS}/quick", headers=HX)
    assert dialog.status_code == 200 and "<html" not in dialog.text
    assert dialog.text.lstrip().startswith("<dialog") and "data-modal" in dialog.text
    assert 'hx-post="/contacts/client/quick"' in dialog.text and 'id="q-name"' in dialog.text
    # A bad value: only the form comes back (the dialog stays open), typed values kept, errors by their fields.
    bad = await client.post(f"{CLIENTS}/quick", data={"name": f"{marker} Quick", "email": "nope", "kind": "company",
                                                      "_fields": "name,kind,email"}, headers={"HX-Request": "true", "HX-Target": "quick-form"})
    assert bad.status_code == 422
    assert bad.text.lstrip().startswith('<form id="quick-form"') and "<dialog" not in bad.text
    assert 'id="q-e-email"' in bad.text and f'value="{marker} Quick"' in bad.text
    assert (await client.get("/api/contacts/client", params={"q": marker})).json()["items"] == []
    missing = await client.post(f"{CLIENTS}/quick", data={"email": "a@example.com", "_fields": "email"}, headers=HX)
    assert missing.status_code == 422 and 'id="q-e-name"' in missing.text  # required fields are always checked
    ok = await client.post(f"{CLIENTS}/quick", data={"name": f"{marker} Quick", "email": "q@example.com", "kind": "company",
                                                     "_fields": "name,kind,email"}, headers=HX)
    assert ok.status_code == 200
    assert ok.headers["hx-retarget"] == "#modal-slot" and ok.headers["hx-reswap"] == "innerHTML"
    [row] = (await client.get("/api/contacts/client", params={"q": marker})).json()["items"]
    assert f'href="{CLIENTS}/{row["id"]}"' in ok.text and row["email"] == "q@example.com"


async def test_without_htmx_quick_create_is_the_full_form(client, marker):
    plain = await client.get(f"{CLIENTS}/quick", params={"kind": "person"})
    assert plain.status_code == 303 and plain.headers["location"] == f"{CLIENTS}/new?kind=person"
    created = await client.post(f"{CLIENTS}/quick", data={"name": f"{marker} Plain", "kind": "company", "_fields": "name,kind"})
    assert created.status_code == 303 and created.headers["location"].startswith(f"{CLIENTS}/")
    bad = await client.post(f"{CLIENTS}/quick", data={"name": "", "_fields": "name"})
    assert bad.status_code == 422 and "<html" in bad.text and 'id="e-name"' in bad.text


async def test_a_related_list_offers_new_and_quick_create_prefilled_with_the_parent(client, marker):
    parent = (await client.post("/api/contacts/client", json={"name": f"{marker} Parent"})).json()
    page = (await client.get(f"{CLIENTS}/{parent['id']}")).text
    assert f'href="{CONTACTS}/new?client={parent["id"]}"' in page
    assert f'hx-get="{CONTACTS}/quick?client={parent["id"]}"' in page
    form = (await client.get(f"{CONTACTS}/new", params={"client": parent["id"]})).text
    assert f'value="{parent["id"]}"' in form
    dialog = await client.get(f"{CONTACTS}/quick", params={"client": parent["id"]}, headers=HX)
    assert f'value="{parent["id"]}"' in dialog.text and "client" in re.search(r'name="_fields" value="([^"]+)"', dialog.text).group(1)
    done = await client.post(f"{CONTACTS}/quick", data={"full_name": f"{marker} Child", "client": parent["id"],
                                                       "_fields": "full_name,client"}, headers=HX)
    assert done.status_code == 200, done.text
    page = (await client.get(f"{CLIENTS}/{parent['id']}")).text
    assert f"{marker} Child" in page


async def test_prefilling_a_field_the_form_does_not_offer_is_refused(client, client_as, make_user):
    for params in ({"bogus": "1"}, {"version": "7"}, {"created_by": str(uuid.uuid4())}):
        assert (await client.get(f"{CLIENTS}/new", params=params)).status_code == 400, params
        refused = await client.get(f"{CLIENTS}/quick", params=params, headers=HX)
        assert refused.status_code == 400 and list(params)[0] in refused.text
    role = await custom_role({"contacts.client.read": "all", "contacts.client.create": "all"}, readonly=[("contacts.client", "kind")])
    user = await make_user()
    await UserRole.insert(UserRole(user=user.id, role=role.id))
    async with client_as(user) as c:
        assert (await c.get(f"{CLIENTS}/quick", params={"kind": "person"}, headers=HX)).status_code == 400
        assert (await c.get(f"{CLIENTS}/quick", params={"owner_id": str(user.id)}, headers=HX)).status_code == 400  # no assign


async def test_no_create_permission_no_quick_create(client_as, make_user):
    role = await custom_role({"contacts.client.read": "all"})
    user = await make_user()
    await UserRole.insert(UserRole(user=user.id, role=role.id))
    async with client_as(user) as c:
        assert "/quick" not in (await c.get(f"{CLIENTS}/")).text
        assert (await c.get(f"{CLIENTS}/quick", headers=HX)).status_code == 404
        assert (await c.post(f"{CLIENTS}/quick", data={"name": "x"}, headers=HX)).status_code == 404

"""Envelopes and address labels to PDF, read back with pypdf; only what the user may read gets printed."""

from __future__ import annotations

import uuid

import pytest

from core.permissions.gate import Gate
from core.testing.fixtures import custom_role
from tests.documents.builders import pdf_text


@pytest.fixture
async def clients(kernel, admin_principal):
    gate = await Gate.open(kernel, "contacts.client", admin_principal)
    tag = uuid.uuid4().hex[:8]
    rows = [await gate.create({"name": f"Получатель {tag} {i}", "address_actual": f"{100000 + i}, г. Казань, ул. Баумана, д. {i}"})
            for i in range(30)]
    rows.append(await gate.create({"name": f"Без адреса {tag}"}))
    yield tag, rows
    for row in rows:
        await gate.delete(row["id"])


async def test_envelope_of_a_record(client, clients):
    _tag, rows = clients
    got = await client.get(f"/documents/contacts/client/{rows[3]['id']}/envelope",
                           params={"field": "address_actual", "size": "C5", "sender": "ИП Иванов\nг. Москва"})
    assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
    text = pdf_text(got.content)
    assert rows[3]["name"] in text and "100003, г. Казань, ул. Баумана, д. 3" in text and "ИП Иванов" in text
    import io

    import pypdf

    page = pypdf.PdfReader(io.BytesIO(got.content)).pages[0]
    assert round(float(page.mediabox.width) / 72 * 25.4) == 229  # C5, landscape
    assert (await client.get(f"/documents/contacts/client/{rows[3]['id']}/envelope", params={"size": "B52"})).status_code == 422


async def test_labels_of_a_list_follow_its_search(client, clients):
    tag, rows = clients
    got = await client.get("/documents/contacts/client/labels", params={"q": tag, "field": "address_actual", "sheet": "3x8"})
    assert got.status_code == 200, got.text
    import io

    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(got.content))
    assert len(reader.pages) == 2  # 30 addresses on 24-label sheets; the one without an address is left out
    text = pdf_text(got.content)
    for row in rows[:30]:
        assert row["name"] in text
    assert f"Без адреса {tag}" not in text
    chosen = await client.get("/documents/contacts/client/labels",
                              params=[("field", "address_actual"), ("ids", str(rows[0]["id"])), ("ids", str(rows[1]["id"])), ("skip", "5")])
    assert len(pypdf.PdfReader(io.BytesIO(chosen.content)).pages) == 1
    assert rows[0]["name"] in pdf_text(chosen.content) and rows[2]["name"] not in pdf_text(chosen.content)


async def test_labels_print_only_what_the_user_may_read(client_as, make_user, clients, kernel, admin_principal):
    tag, rows = clients
    own = await make_user(roles=[(await custom_role({"contacts.client.read": "own", "core.document.read": "all"})).key])
    admin = await Gate.open(kernel, "contacts.client", admin_principal)
    row = await admin.create({"name": f"Мой клиент {tag}", "address_actual": "420000, Казань", "owner_id": str(own.id)})
    async with client_as(own) as c:
        got = await c.get("/documents/contacts/client/labels", params={"q": tag, "field": "address_actual"})
        text = pdf_text(got.content)
        assert f"Мой клиент {tag}" in text and rows[0]["name"] not in text
        assert (await c.get(f"/documents/contacts/client/{rows[0]['id']}/envelope")).status_code == 404
    await admin.delete(row["id"])
    hidden = await make_user(roles=[(await custom_role({"contacts.client.read": "all", "core.document.read": "all"},
                                                       hidden=[("contacts.client", "address_actual")])).key])
    async with client_as(hidden) as c:
        refused = await c.get("/documents/contacts/client/labels", params={"q": tag, "field": "address_actual"})
        assert refused.status_code == 400 and "address_actual" not in pdf_text_or_empty(refused)
        assert (await c.get(f"/documents/contacts/client/{rows[0]['id']}/envelope", params={"field": "address_actual"})).status_code == 400
        page = await c.get(f"/documents/contacts/client/{rows[0]['id']}")
        assert "Фактический адрес" not in page.text


def pdf_text_or_empty(response) -> str:
    return pdf_text(response.content) if response.content.startswith(b"%PDF") else ""


async def test_pages_list_entities_and_the_menu(client, clients):
    index = await client.get("/documents/")
    assert index.status_code == 200 and "/documents/contacts/client" in index.text
    page = await client.get("/documents/contacts/client", params={"q": "x"})
    assert page.status_code == 200 and 'name="q" value="x"' in page.text
    home = await client.get("/")
    assert 'href="/documents/"' in home.text and 'href="/admin/documents"' in home.text


async def test_an_unknown_label_sheet_is_a_clear_400(client, clients):
    """Issue 14, item 9: ``sheet=zzz`` answered 500 (a KeyError in the layout)."""
    tag, _rows = clients
    page = await client.get("/documents/contacts/client/labels", params={"q": tag, "field": "address_actual", "sheet": "zzz"})
    assert page.status_code == 400 and "3x8" in page.text
    api = await client.get("/documents/contacts/client/labels", params={"q": tag, "sheet": "zzz"}, headers={"HX-Request": "true"})
    assert api.status_code == 400

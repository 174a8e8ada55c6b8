"""The client base: classification, canonical phones and emails, tax ids checked per country,
a person linked to several companies — on the API and the forms alike."""

from __future__ import annotations

import uuid

import pytest

from plugins.contacts import identifiers
from core.entities.validation import FieldError

# Real identifiers with valid check digits (and one digit off for the refusals).
INN_COMPANY = "7707083893"  # Sberbank
INN_PERSON = "500100732259"
OGRN = "1027700132195"
KPP = "773601001"


def unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:6]}"


@pytest.mark.parametrize("raw,country,expected", [
    ("8 (495) 123-45-67", "RU", "+74951234567"),
    ("+7 916 123 45 67", "GB", "+79161234567"),
    ("020 7946 0958", "GB", "+442079460958"),
    ("8 495 123-45-67 доб. 12", "RU", "+74951234567;ext=12"),
])
def test_phones_become_e164(raw, country, expected):
    assert identifiers.normalize_phone(raw, country) == expected


@pytest.mark.parametrize("raw", ["12", "+7 123", "not a phone"])
def test_a_wrong_phone_is_refused(raw):
    with pytest.raises(FieldError):
        identifiers.normalize_phone(raw, "RU")


def test_tax_ids_are_checked_with_their_check_digits():
    assert identifiers.normalize_inn(" 7707 083893 ", "RU") == INN_COMPANY
    assert identifiers.normalize_inn(INN_PERSON, "RU") == INN_PERSON
    for bad in ("7707083894", "500100732258", "12345"):
        with pytest.raises(FieldError):
            identifiers.normalize_inn(bad, "RU")
    assert identifiers.normalize_ogrn(OGRN) == OGRN
    with pytest.raises(FieldError):
        identifiers.normalize_ogrn("1027700132196")
    assert identifiers.normalize_kpp("7736 01 001") == KPP
    with pytest.raises(FieldError):
        identifiers.normalize_kpp("77360100")
    assert identifiers.normalize_inn("DE 136 695 976", "DE") == "136695976"
    with pytest.raises(FieldError, match="DE"):
        identifiers.normalize_inn("DE 136 695 977", "DE")


async def test_api_stores_canonical_values_and_classification(client):
    payload = {
        "name": unique("ООО «Ромашка»"), "kind": "company", "client_type": "partner", "industry": "Retail",
        "region": "Москва", "source": "Exhibition", "importance": "high", "stage": "regular",
        "country": "ru", "inn": "7707 083893", "kpp": KPP, "ogrn": OGRN,
        "phone": "8 (495) 123-45-67", "phones": "8 916 123 45 67, +7 (916) 123-45-67\n+44 20 7946 0958",
        "email": "Office@Example.COM", "emails": "a@example.com; b@Example.com",
        "website": "https://example.com", "address_legal": "Москва, ул. Ленина, 1", "latitude": "55.751244", "longitude": "37.618423",
    }
    created = await client.post("/api/contacts/client", json=payload)
    assert created.status_code == 201, created.text
    row = created.json()
    assert row["phone"] == "+74951234567"
    assert row["phones"] == "+79161234567\n+442079460958"  # a repeat in another format is dropped
    assert row["country"] == "RU" and row["inn"] == INN_COMPANY
    assert row["emails"] == "a@example.com\nb@example.com"
    assert row["stage"] == "regular" and row["importance"] == "high"
    # Search finds the client by any of its phones, in canonical form.
    found = await client.get("/api/contacts/client", params={"q": "79161234567"})
    assert [r["id"] for r in found.json()["items"]] == [row["id"]]


async def test_a_stored_extension_is_saved_again_unchanged(client):
    """The product stores "+78005553535;ext=12": the next Edit -> Save must accept its own form."""
    created = await client.post("/api/contacts/client", json={
        "name": unique("Extension"), "phone": "8 800 555-35-35 доб. 12", "phones": "+7 916 123-45-67 доб. 7, 8 495 123-45-67"})
    assert created.status_code == 201, created.text
    row = created.json()
    assert row["phone"] == "+78005553535;ext=12"
    assert row["phones"] == "+79161234567;ext=7\n+74951234567"
    again = await client.patch(f"/api/contacts/client/{row['id']}", json={
        "phone": row["phone"], "phones": row["phones"]}, headers={"If-Match": f'"{row["version"]}"'})
    assert again.status_code == 200, again.text
    assert again.json()["phone"] == "+78005553535;ext=12"
    assert again.json()["phones"] == row["phones"]


async def test_the_edit_form_saves_a_stored_extension_unchanged(client):
    """The bug as reported: Edit -> Save of a client whose phone has an extension, through the form."""
    import html
    import re

    created = await client.post("/api/contacts/client", json={"name": unique("Form extension"), "phone": "8 800 555-35-35 доб. 12"})
    row = created.json()
    form = (await client.get(f"/contacts/client/{row['id']}/edit")).text
    shown = html.unescape(re.search(r'<input[^>]*name="phone"[^>]*value="([^"]*)"', form).group(1))
    saved = await client.post(f"/contacts/client/{row['id']}", data={"phone": shown, "_version": str(row["version"])})
    assert saved.status_code == 303, saved.text[:2000]
    assert (await client.get(f"/api/contacts/client/{row['id']}")).json()["phone"] == "+78005553535;ext=12"


async def test_bad_identifiers_are_refused_per_field_and_nothing_is_written(client):
    name = unique("Bad ids")
    bad = await client.post("/api/contacts/client", json={
        "name": name, "inn": "7707083894", "kpp": "12", "ogrn": "1027700132196", "phone": "123", "stage": "friend"})
    assert bad.status_code in (400, 422), bad.text
    body = bad.text
    assert "stage" in body  # a choice outside the list: refused before the record checks
    fixed = await client.post("/api/contacts/client", json={"name": name, "inn": "7707083894", "kpp": "12", "ogrn": "1027700132196", "phone": "123"})
    errors = fixed.json()
    assert fixed.status_code in (400, 422)
    text = str(errors)
    for field in ("inn", "kpp", "ogrn", "phone"):
        assert field in text, (field, text)
    count = await client.get("/api/contacts/client/count", params={"q": name})
    assert count.json()["count"] == 0


async def test_country_decides_how_the_tax_id_is_read(client):
    row = (await client.post("/api/contacts/client", json={"name": unique("Berlin GmbH"), "country": "DE", "inn": "DE136695976",
                                                             "phone": "030 1234567"})).json()
    assert row["inn"] == "136695976" and row["phone"] == "+49301234567"
    # Switching the stored client to Russia re-checks the stored tax id.
    got = await client.get(f"/api/contacts/client/{row['id']}")
    moved = await client.patch(f"/api/contacts/client/{row['id']}", json={"country": "RU"}, headers={"If-Match": got.headers["etag"]})
    assert moved.status_code in (400, 422) and "country" in moved.text


async def test_a_person_works_for_several_companies(client):
    first = (await client.post("/api/contacts/client", json={"name": unique("Alpha")})).json()
    second = (await client.post("/api/contacts/client", json={"name": unique("Beta")})).json()
    person = (await client.post("/api/contacts/contact", json={
        "full_name": unique("Анна Иванова"), "client": first["id"], "position": "Директор", "role": "decision_maker",
        "phone": "+7 916 000-00-01", "birthday": "1985-03-14"})).json()
    assert person["phone"] == "+79160000001"
    link = await client.post("/api/contacts/link", json={"contact": person["id"], "client": second["id"], "position": "Board member", "role": "influencer"})
    assert link.status_code == 201, link.text
    page = await client.get(f"/contacts/client/{second['id']}")
    assert page.status_code == 200
    assert person["full_name"] in page.text and "Board member" in page.text
    # The generic form keeps working with the new fields.
    form = await client.get("/contacts/client/new")
    assert form.status_code == 200 and 'name="stage"' in form.text and 'name="kpp"' in form.text


async def test_client_card_shows_panels_of_planned_work(client):
    company = (await client.post("/api/contacts/client", json={"name": unique("Card Co")})).json()
    call = await client.post("/api/contacts/interaction", json={"subject": "Call about the contract", "kind": "call", "status": "planned",
                                                                "client": company["id"], "starts_at": "2031-05-04T10:00:00Z"})
    assert call.status_code == 201, call.text
    task = await client.post("/api/contacts/task", json={"title": "Prepare the offer", "client": company["id"], "deadline": "2031-05-01T12:00:00Z"})
    assert task.status_code == 201, task.text
    event = await client.post("/api/contacts/event", json={"title": "Founding day", "kind": "founding", "date": "2001-05-10", "client": company["id"]})
    assert event.status_code == 201, event.text
    page = (await client.get(f"/contacts/client/{company['id']}")).text
    for text in ("Planned interactions", "Call about the contract", "Open tasks", "Prepare the offer", "Significant dates", "Founding day"):
        assert text in page, text
    assert page.index("Planned interactions") < page.index('id="timeline"')


async def test_panels_follow_the_edition(client_as, make_user, client):
    """Basic has neither assignments nor significant events: no such panels, no such API."""
    from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD, serving
    company = (await client.post("/api/contacts/client", json={"name": unique("Basic Co")})).json()
    await client.post("/api/contacts/task", json={"title": "Hidden in basic", "client": company["id"]})
    async with client_as(ADMIN_EMAIL, password=ADMIN_PASSWORD, edition="basic") as basic:
        page = (await basic.get(f"/contacts/client/{company['id']}")).text
        assert "Open tasks" not in page and "Hidden in basic" not in page
        assert (await basic.get("/api/contacts/task")).status_code == 404
        assert (await basic.get("/api/contacts/event")).status_code == 404


async def test_phones_read_as_people_write_them(client):
    """Stored in E.164 for search and duplicates; shown grouped, with the extension in words."""
    from core.entities.values import readable_phone

    assert readable_phone("+78005553535;ext=12", "ru") == "+7 800 555-35-35 доб. 12"
    assert readable_phone("+442079460958", "en") == "+44 20 7946 0958"
    assert readable_phone("not a number", "en") == "not a number"
    name = unique("Readable phone")
    row = (await client.post("/api/contacts/client", json={"name": name, "phone": "8 800 555-35-35 доб. 12"})).json()
    page = await client.get("/contacts/client/", params={"q": name})
    assert "+7 800 555-35-35 ext. 12" in page.text
    record = await client.get(f"/contacts/client/{row['id']}")
    assert "+7 800 555-35-35 ext. 12" in record.text and 'href="tel:+78005553535;ext=12"' in record.text

"""DOCX and ODT from real templates, read back by python-docx and odfpy; permissions hold in documents."""

from __future__ import annotations

import shutil

import pytest

from core.testing.fixtures import custom_role
from tests.documents.builders import docx_template, docx_text, odt_template, odt_text

pytestmark = pytest.mark.usefixtures("cleanup_templates")

WORDS_RU = "Один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь рублей 89 копеек"


def docx_for(field: str) -> bytes:
    return docx_template(
        "Клиент: {{ record.name }}",
        "ИНН: [{{ record.inn }}]",
        "Сумма: {{ record.%s }} ({{ words.%s }})" % (field, field),
        "Прописью: {{ money_words(raw.%s, cents='words') }}" % field,
        "Адрес: {{ record.address_actual }}; {{ labels.address_actual }}",
        "Дата: {{ format_date(raw.created_at) }}; печатает {{ user.email }}",
    )


def odt_for(field: str) -> bytes:
    return odt_template(
        ["Клиент: ", ("record.name",)],
        ["ИНН: [", ("record.inn",), "]"],
        ["Сумма: ", (f"record.{field}",), " (", (f"words.{field}",), ")"],
        ["Прописью: ", (f"money_words(raw.{field}, currency='USD')",)],
    )


async def upload(client, data: bytes, filename: str, entity="contacts.client", **meta):
    return await client.post("/api/documents/templates", data={"entity": entity, "name": meta.pop("name", "Договор"), **meta},
                             files={"file": (filename, data, "application/octet-stream")})


async def test_docx_from_a_word_template(client, client_record):
    field = client_record["amount_field"]
    made = await upload(client, docx_for(field), "Договор.docx")
    assert made.status_code == 201, made.text
    template = made.json()
    assert template["format"] == "docx" and template["version"] == 1 and template["file_name"] == "Договор.docx"

    got = await client.get(f"/api/documents/templates/{template['id']}/render/{client_record['id']}")
    assert got.status_code == 200, got.text
    assert got.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "filename*=UTF-8''" in got.headers["content-disposition"]
    text = docx_text(got.content)
    assert text[0] == f"Клиент: {client_record['name']}"
    assert text[1] == "ИНН: [7707083893]"
    assert WORDS_RU in text[2] and "1\u00a0234\u00a0567,89" in text[2]
    assert text[3] == ("Прописью: Один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь рублей, "
                       "восемьдесят девять копеек")
    assert text[4] == "Адрес: 123456, г. Москва, ул. Ленина, д. 1, офис 2; Фактический адрес"
    assert "г." in text[5] and "admin@" in text[5]  # «22 ноября 2026 г.»


async def test_odt_from_a_libreoffice_template(client, client_record):
    field = client_record["amount_field"]
    made = await upload(client, odt_for(field), "Счёт.odt", name="Счёт")
    assert made.status_code == 201, made.text
    assert made.json()["format"] == "odt"

    got = await client.get(f"/api/documents/templates/{made.json()['id']}/render/{client_record['id']}")
    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == "application/vnd.oasis.opendocument.text"
    text = odt_text(got.content)
    assert text[0] == f"Клиент: {client_record['name']}"
    assert text[1] == "ИНН: [7707083893]"
    assert WORDS_RU in text[2]
    assert text[3] == ("Прописью: Один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь долларов "
                       "89 центов")


async def test_english_template(client, client_record):
    field = client_record["amount_field"]
    made = await upload(client, docx_template("{{ words.%s }} / {{ record.%s }}" % (field, field)), "offer.docx",
                        language="en", currency="EUR")
    got = await client.get(f"/api/documents/templates/{made.json()['id']}/render/{client_record['id']}")
    assert docx_text(got.content)[0] == ("One million, two hundred and thirty-four thousand, five hundred and sixty-seven "
                                         "euro 89 cents / 1,234,567.89")


async def test_hidden_fields_are_not_in_the_document(client, client_as, make_user, client_record):
    """A user who may read the client but not its tax id nor the amount gets both empty, in both formats."""
    field = client_record["amount_field"]
    docx = (await upload(client, docx_for(field), "a.docx")).json()
    odt = (await upload(client, odt_for(field), "b.odt")).json()
    role = await custom_role({"contacts.client.read": "all", "core.document.read": "all"},
                             hidden=[("contacts.client", "inn"), ("contacts.client", field)])
    user = await make_user(roles=[role.key])
    async with client_as(user) as c:
        text = docx_text((await c.get(f"/api/documents/templates/{docx['id']}/render/{client_record['id']}")).content)
        assert text[0] == f"Клиент: {client_record['name']}"
        assert text[1] == "ИНН: []"
        assert text[2] == "Сумма:  ()" and "рубл" not in " ".join(text)
        otext = odt_text((await c.get(f"/api/documents/templates/{odt['id']}/render/{client_record['id']}")).content)
        assert otext[1] == "ИНН: []" and "7707083893" not in " ".join(otext) and "миллион" not in " ".join(otext)


async def test_a_record_one_may_not_read_gives_no_document(client, client_as, make_user, client_record):
    template = (await upload(client, docx_for(client_record["amount_field"]), "a.docx")).json()
    url = f"/api/documents/templates/{template['id']}/render/{client_record['id']}"
    page = f"/documents/contacts/client/{client_record['id']}/template/{template['id']}"
    # Own scope: the administrator's client is not theirs.
    own = await make_user(roles=[(await custom_role({"contacts.client.read": "own", "core.document.read": "all"})).key])
    # May read every client, but may not print.
    no_print = await make_user(roles=[(await custom_role({"contacts.client.read": "all"})).key])
    for user in (own, no_print):
        async with client_as(user) as c:
            assert (await c.get(url)).status_code == 404
            assert (await c.get(page)).status_code == 404
            assert (await c.get(f"/documents/contacts/client/{client_record['id']}")).status_code == 404
    # Not vacuous: the administrator, who may read the record, gets it on both routes.
    assert (await client.get(url)).status_code == 200
    assert (await client.get(page)).status_code == 200


async def test_only_template_managers_upload(client_as, make_user):
    user = await make_user(roles=["head_of_sales"])  # prints documents, manages no templates
    async with client_as(user) as c:
        made = await upload(c, docx_template("x"), "a.docx")
        assert made.status_code == 404
        assert (await c.get("/admin/documents")).status_code == 404
        assert (await c.get("/api/documents/templates")).status_code == 200


async def test_unknown_template_and_wrong_entity(client, client_record, kernel, admin_principal):
    from core.permissions.gate import Gate

    template = (await upload(client, docx_template("{{ record.full_name }}"), "c.docx", entity="contacts.contact")).json()
    # A template of contacts applied to a client: refused, it would print nothing sensible.
    assert (await client.get(f"/documents/contacts/client/{client_record['id']}/template/{template['id']}")).status_code == 404
    assert (await client.get(f"/api/documents/templates/00000000-0000-0000-0000-000000000000/render/{client_record['id']}")).status_code == 404
    contact = await (await Gate.open(kernel, "contacts.contact", admin_principal)).create({"full_name": "Иванов Иван Иванович"})
    got = await client.get(f"/api/documents/templates/{template['id']}/render/{contact['id']}")
    assert docx_text(got.content) == ["Иванов Иван Иванович"]


async def test_pdf_without_libreoffice_says_so(client, client_record, app_factory):
    template = (await upload(client, docx_for(client_record["amount_field"]), "a.docx")).json()
    if shutil.which("soffice") or shutil.which("libreoffice"):
        pytest.skip("LibreOffice is installed here: the conversion test covers PDF")
    assert (await client.get("/api/documents/pdf")).json() == {"available": False}
    got = await client.get(f"/api/documents/templates/{template['id']}/render/{client_record['id']}?format=pdf")
    assert got.status_code == 503 and "LibreOffice" in got.text
    page = await client.get(f"/documents/contacts/client/{client_record['id']}")
    assert "PDF is not available" in page.text and "?format=pdf" not in page.text


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")),
                    reason="LibreOffice (soffice) is not installed; PDF conversion is optional and not needed in CI")
async def test_pdf_through_libreoffice(client, client_record):
    from tests.documents.builders import pdf_text

    field = client_record["amount_field"]
    for data, name in ((docx_for(field), "a.docx"), (odt_for(field), "b.odt")):
        template = (await upload(client, data, name)).json()
        got = await client.get(f"/api/documents/templates/{template['id']}/render/{client_record['id']}?format=pdf")
        assert got.status_code == 200, got.text
        assert got.content.startswith(b"%PDF") and got.headers["content-type"] == "application/pdf"
        assert client_record["name"] in pdf_text(got.content)


async def test_a_document_prints_the_responsibles_name_and_choice_labels_not_ids_or_codes(client, client_record):
    from core.auth.tables import User

    owner = await User.select(User.name, User.email).where(User.id == client_record["owner_id"]).first()
    made = await upload(client, docx_template("{{ labels.owner_id }}: {{ record.owner_id }}",
                                              "{{ labels.stage }}: {{ record.stage }}"), "names.docx")
    assert made.status_code == 201, made.text
    got = await client.get(f"/api/documents/templates/{made.json()['id']}/render/{client_record['id']}")
    assert got.status_code == 200, got.text
    text = docx_text(got.content)
    assert text[0] == f"Ответственный: {owner['name'] or owner['email']}" and str(client_record["owner_id"]) not in text[0]
    assert text[1] == "Стадия отношений: Потенциальный"  # the label in the template's language, not "potential"

"""A four-digit integer is written without a thousands separator (a year reads 2023, not "2,023"),
on the record page and in the list; longer integers and decimals keep the reader's grouping."""

from __future__ import annotations

import uuid

from core.entities.spec import Field
from core.entities.values import display

API = "/api/contacts/interaction"
PAGE = "/contacts/interaction"


def test_an_integer_has_no_grouping_in_either_language_a_decimal_keeps_it():
    year = Field("founded", "integer", {"en": "Founded"})
    assert display(year, 2023, {}, "en")["text"] == "2023"
    assert display(year, 2023, {}, "ru")["text"] == "2023"
    assert display(year, -2023, {}, "en")["text"] == "-2023"
    assert display(year, 12345, {}, "en")["text"] == "12,345"
    assert display(Field("area", "decimal", {"en": "Area"}), 12345, {}, "en")["text"] == "12,345"


async def test_an_integer_field_shows_as_typed_on_the_record_page_and_in_the_list(client):
    subject = f"int{uuid.uuid4().hex[:8]}"
    created = await client.post(API, json={"subject": subject, "kind": "call", "duration_minutes": 2023})
    assert created.status_code == 201, created.text
    record = (await client.get(f"{PAGE}/{created.json()['id']}")).text
    listed = (await client.get(f"{PAGE}/", params={"q": subject, "columns": ["subject", "duration_minutes"]})).text
    for html in (record, listed):
        assert ">2023<" in html.replace(" ", "").replace("\n", "")
        assert "2,023" not in html

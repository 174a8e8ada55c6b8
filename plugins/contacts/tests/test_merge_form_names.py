"""The merge form shows each value as people read it: choice labels, people by name."""

from __future__ import annotations

import uuid


async def test_merge_form_shows_labels_and_names_not_codes_or_ids(client, make_user):
    marker = f"mf{uuid.uuid4().hex[:8]}"
    owner = await make_user(name=f"Owner {marker}")
    ids = []
    for stage in ("potential", "regular"):
        response = await client.post("/api/contacts/client", json={"name": f"{marker} Twin", "stage": stage, "owner_id": str(owner.id)})
        assert response.status_code == 201
        ids.append(response.json()["id"])
    page = await client.get("/contacts/duplicates/merge", params={"ids": ",".join(ids)})
    assert page.status_code == 200
    form = page.text[page.text.index("merge-form"):]
    assert "Potential" in form and "Regular" in form
    assert "> potential<" not in form and "> regular<" not in form
    assert f"Owner {marker}" in form and f"> {owner.id}<" not in form

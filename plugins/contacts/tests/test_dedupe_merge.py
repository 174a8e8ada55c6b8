"""Merging duplicate clients: chosen values, every related record moves, trash, undo restores exactly, permissions."""

from __future__ import annotations

import uuid

import pytest
from piccolo.querystring import QueryString

from core.db.engine import get_engine
from core.permissions.errors import NotFound, Refused
from core.permissions.gate import ListRequest
from plugins.contacts.dedupe.merge import MergeError, get_merge, merge, undo
from plugins.contacts.tests.dedupe_helpers import gate, principal

VOLATILE = {"version", "updated_at", "updated_by", "search_text"}


async def _raw(table: str, ids) -> dict:
    """Stored rows as they are (the gate's trash and masks aside), keyed by id."""
    marks = ", ".join("{}" for _ in ids)
    rows = await get_engine().run_querystring(QueryString(f'SELECT * FROM "{table}" WHERE "id" IN ({marks})', *ids))
    return {str(r["id"]): {k: v for k, v in dict(r).items() if k not in VOLATILE} for r in rows}


async def _world(kernel, who):
    c = gate(kernel, who)
    a = await c.create({"name": "ООО «Вектор Плюс»", "inn": "7707083893", "phone": "+7 916 100-20-30", "email": "info@vector.ru"})
    b = await c.create({"name": "OOO Vektor Plus", "inn": "", "phone": "8 (916) 100-20-30", "email": "sales@vector.ru",
                        "industry": "Retail"})
    d = await c.create({"name": "Вектор+", "phone": "+7 916 100-20-31", "region": "Москва"})
    contact = await gate(kernel, who, "contacts.contact").create({"full_name": "Пётр Сидоров", "client": str(b["id"])})
    deleted = await gate(kernel, who, "contacts.contact").create({"full_name": "Old Contact", "client": str(d["id"])})
    await gate(kernel, who, "contacts.contact").delete(deleted["id"])
    inter = await gate(kernel, who, "contacts.interaction").create({"subject": "Звонок", "client": str(b["id"]), "contact": str(contact["id"])})
    task = await gate(kernel, who, "contacts.task").create({"title": "Выставить счёт", "client": str(d["id"])})
    link = await gate(kernel, who, "contacts.link").create({"contact": str(contact["id"]), "client": str(d["id"])})
    return a, b, d, {"contacts_contact": [contact["id"], deleted["id"]], "contacts_interaction": [inter["id"]],
                     "contacts_task": [task["id"]], "contacts_link": [link["id"]]}


async def test_merge_moves_every_related_record_and_undo_restores_exactly(app_factory):
    kernel = app_factory().state.kernel
    who = principal()
    a, b, d, related = await _world(kernel, who)
    before = {t: await _raw(t, ids) for t, ids in related.items()}
    before["contacts_client"] = await _raw("contacts_client", [a["id"], b["id"], d["id"]])

    merge_id = await merge(kernel, who, a["id"], [b["id"], d["id"]],
                           {"email": str(b["id"]), "industry": str(b["id"]), "region": str(d["id"]), "name": str(a["id"])},
                           version=a["version"])
    survivor = await gate(kernel, who).get(a["id"])
    assert (survivor["email"], survivor["industry"], survivor["region"], survivor["name"]) == (
        "sales@vector.ru", "Retail", "Москва", "ООО «Вектор Плюс»")
    # Every related row, the trashed contact too, points at the survivor now.
    for table, ids in related.items():
        column = "client"
        rows = await _raw(table, ids)
        assert {str(r[column]) for r in rows.values()} == {str(a["id"])}, table
    # The merged clients are in the trash (and so out of the list).
    listed = {r["id"] for r in (await gate(kernel, who).list(ListRequest(limit=500))).rows}
    assert a["id"] in listed and not {b["id"], d["id"]} & listed
    trash = {r["id"] for r in (await gate(kernel, who).list(ListRequest(limit=500, trash=True))).rows}
    assert {b["id"], d["id"]} <= trash
    log = await get_merge(merge_id, who)
    assert sorted(log["merged_ids"]) == sorted([str(b["id"]), str(d["id"])]) and len(log["moves"]) == 4

    restored = await undo(kernel, who, merge_id)
    assert restored["email"] == "info@vector.ru" and restored["industry"] is None
    after = {t: await _raw(t, ids) for t, ids in related.items()}
    after["contacts_client"] = await _raw("contacts_client", [a["id"], b["id"], d["id"]])
    assert after == before  # every stored value back, deleted_at included
    with pytest.raises(MergeError, match="already undone"):
        await undo(kernel, who, merge_id)


async def test_undo_is_refused_when_the_survivor_changed_since(app_factory):
    kernel = app_factory().state.kernel
    who = principal()
    a, b, d, _ = await _world(kernel, who)
    merge_id = await merge(kernel, who, a["id"], [b["id"]], {"email": str(b["id"])})
    current = await gate(kernel, who).get(a["id"])
    await gate(kernel, who).update(a["id"], {"email": "boss@vector.ru"}, current["version"])
    with pytest.raises(MergeError, match="changed after the merge"):
        await undo(kernel, who, merge_id)
    assert (await gate(kernel, who).get(a["id"]))["email"] == "boss@vector.ru"  # nothing was undone
    assert (await get_merge(merge_id, who))["undone_at"] is None


async def test_merge_needs_write_on_the_survivor_and_delete_on_the_merged(app_factory):
    kernel = app_factory().state.kernel
    ann, bob = principal(), principal()
    mine = await gate(kernel, ann).create({"name": "Ann's client"})
    theirs = await gate(kernel, bob).create({"name": "Bob's client"})
    # Ann reads Bob's clients (team) but may only write and delete her own.
    reader = principal(user=ann.user_id, team=(bob.user_id,), scopes={"contacts.client.read": "team"})
    with pytest.raises(NotFound):
        await merge(kernel, reader, mine["id"], [theirs["id"]])  # no delete on Bob's
    with pytest.raises(NotFound):
        await merge(kernel, reader, theirs["id"], [mine["id"]])  # no write on Bob's
    no_delete = principal(user=ann.user_id, actions=("read", "write"))
    other = await gate(kernel, ann).create({"name": "Ann's other client"})
    with pytest.raises(NotFound):
        await merge(kernel, no_delete, mine["id"], [other["id"]])
    # A hidden field cannot be chosen, and bad input is said so.
    blind = principal(user=ann.user_id, hidden=("inn",))
    with pytest.raises(Refused):
        await merge(kernel, blind, mine["id"], [other["id"]], {"inn": str(other["id"])})
    with pytest.raises(Refused):
        await merge(kernel, ann, mine["id"], [other["id"]], {"name": str(uuid.uuid4())})
    with pytest.raises(MergeError):
        await merge(kernel, ann, mine["id"], [mine["id"]])
    with pytest.raises(MergeError):
        await merge(kernel, ann, mine["id"], [])
    # Nothing was changed by the refusals; a merge log is its author's only.
    assert (await gate(kernel, ann).get(other["id"]))["name"] == "Ann's other client"
    merge_id = await merge(kernel, ann, mine["id"], [other["id"]])
    with pytest.raises(NotFound):
        await undo(kernel, bob, merge_id)

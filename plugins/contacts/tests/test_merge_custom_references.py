"""Custom reference fields follow a merge of clients: to the survivor, back on undo, audited,
unseen rows moved but not shown, and no edit lost to a merge running at the same time."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from piccolo.querystring import QueryString

from core.custom_fields.definitions import create_field, purge_field, retire_field
from core.db.engine import get_engine
from core.entities import merge_moves
from core.permissions.errors import Conflict
from core.permissions.gate import Gate
from plugins.contacts.dedupe.merge import collect_moves, get_merge, merge, undo, visible_moves
from plugins.contacts.tests.dedupe_helpers import principal

CLIENT, CONTACT = "contacts.client", "contacts.contact"


@pytest.fixture
async def fields(app_factory):
    """A reference to a client on contacts and on clients themselves, and a plain text field
    on contacts; unique names (the session database is shared), purged afterwards."""
    kernel = app_factory().state.kernel
    tag = uuid.uuid4().hex[:8]
    made = {
        "employer": (CONTACT, f"employer_{tag}"),
        "parent": (CLIENT, f"parent_{tag}"),
        "note": (CONTACT, f"note_{tag}"),
    }
    await create_field(CONTACT, made["employer"][1], "reference", "Employer", kernel=kernel, reference=CLIENT)
    await create_field(CLIENT, made["parent"][1], "reference", "Parent", kernel=kernel, reference=CLIENT)
    await create_field(CONTACT, made["note"][1], "text", "Note", kernel=kernel)
    yield kernel, {k: v[1] for k, v in made.items()}
    for entity, name in made.values():
        await retire_field(entity, name, kernel=kernel)
        await purge_field(entity, name, kernel=kernel)


async def _custom(table: str, record_id) -> dict:
    rows = await get_engine().run_querystring(QueryString(f'SELECT "custom" FROM "{table}" WHERE "id" = {{}}', record_id))
    value = rows[0]["custom"]
    return json.loads(value) if isinstance(value, str) else dict(value)


async def _version(table: str, record_id) -> int:
    rows = await get_engine().run_querystring(QueryString(f'SELECT "version" FROM "{table}" WHERE "id" = {{}}', record_id))
    return rows[0]["version"]


async def _audited(record_id, name: str) -> list[tuple]:
    rows = await get_engine().run_querystring(QueryString(
        'SELECT "old_value", "new_value" FROM "core_audit_change" WHERE "record_id" = {} AND "field" = {} '
        'AND "action" = {} ORDER BY "at"', record_id, name, "update"))
    return [(json.loads(r["old_value"]), json.loads(r["new_value"])) for r in rows]


async def test_custom_references_follow_the_merge_and_come_back_on_undo(fields):
    kernel, f = fields
    ann = principal()
    clients = await Gate.open(kernel, CLIENT, ann)
    contacts = await Gate.open(kernel, CONTACT, ann)
    a = await clients.create({"name": "Вектор"})
    b = await clients.create({"name": "Vektor"})
    c = await clients.create({"name": "Вектор+", f["parent"]: str(b["id"])})  # merged records refer to each other
    daughter = await clients.create({"name": "Вектор-Юг", f["parent"]: str(c["id"])})
    untouched = await clients.create({"name": "Другой", f["parent"]: str(a["id"])})
    worker = await contacts.create({"full_name": "Пётр", f["employer"]: str(b["id"]), f["note"]: "keep me"})
    trashed = await contacts.create({"full_name": "Old", f["employer"]: str(c["id"])})
    await contacts.delete(trashed["id"])
    # Bob's contact refers to Ann's client B; Ann may not read it (her scope is her own).
    bob = principal(scope="all")
    hidden = await (await Gate.open(kernel, CONTACT, bob)).create({"full_name": "Bob's", f["employer"]: str(b["id"])})
    watched = {("contacts_client", x["id"]) for x in (a, b, c, daughter, untouched)} | {
        ("contacts_contact", x["id"]) for x in (worker, trashed, hidden)}
    before = {key: await _custom(*key) for key in watched}
    version = await _version("contacts_contact", worker["id"])

    merge_id = await merge(kernel, ann, a["id"], [b["id"], c["id"]])

    survivor = str(a["id"])
    assert (await _custom("contacts_contact", worker["id"]))[f["employer"]] == survivor
    assert (await _custom("contacts_contact", worker["id"]))[f["note"]] == "keep me"
    assert (await _custom("contacts_contact", trashed["id"]))[f["employer"]] == survivor
    assert (await _custom("contacts_contact", hidden["id"]))[f["employer"]] == survivor  # unseen, still consistent
    assert (await _custom("contacts_client", daughter["id"]))[f["parent"]] == survivor
    assert (await _custom("contacts_client", c["id"]))[f["parent"]] == survivor
    assert await _custom("contacts_client", untouched["id"]) == before[("contacts_client", untouched["id"])]
    # Read through the gate as Ann: the value is the survivor, and an open editor of the old version conflicts.
    assert (await contacts.get(worker["id"]))[f["employer"]] == a["id"]
    assert await _version("contacts_contact", worker["id"]) == version + 1
    with pytest.raises(Conflict):  # the gate writes the whole custom JSON: a stale save would put B back
        await contacts.update(worker["id"], {f["note"]: "stale"}, version)
    assert (await _audited(worker["id"], f["employer"]))[-1] == (str(b["id"]), survivor)
    # The merge log screen counts what Ann may see: the worker and the daughter client; not
    # Bob's contact, nor rows in the trash (the trashed contact, C itself).
    log = await get_merge(merge_id, ann)
    named = {row for m in log["moves"] if m.get("key") for row in m["rows"]}
    assert {str(hidden["id"]), str(worker["id"]), str(trashed["id"]), str(daughter["id"])} <= named
    assert await visible_moves(kernel, ann, log) == 2
    assert await visible_moves(kernel, bob, log) == 3  # Bob reads every contact: his own too

    await undo(kernel, ann, merge_id)

    assert {key: await _custom(*key) for key in watched} == before
    assert (await _audited(worker["id"], f["employer"]))[-1] == (survivor, str(b["id"]))


async def test_a_row_re_pointed_meanwhile_is_left_alone(fields):
    kernel, f = fields
    ann = principal()
    clients = await Gate.open(kernel, CLIENT, ann)
    contacts = await Gate.open(kernel, CONTACT, ann)
    a, b, d = [await clients.create({"name": n}) for n in ("A Ltd", "A Limited", "D Ltd")]
    worker = await contacts.create({"full_name": "Анна", f["employer"]: str(b["id"])})
    moves = [m for m in await collect_moves(kernel, kernel.entities[CLIENT], a["id"], [b["id"]]) if m.get("key")]
    assert moves and str(worker["id"]) in moves[0]["rows"]
    # Someone points the contact at D between the naming and the write: their choice stays.
    current = await contacts.get(worker["id"])
    await contacts.update(worker["id"], {f["employer"]: str(d["id"])}, current["version"])
    moved = await merge_moves.apply(kernel, ann, moves[0], lambda old: (a["id"], old))
    assert str(worker["id"]) not in moved
    assert (await _custom("contacts_contact", worker["id"]))[f["employer"]] == str(d["id"])


async def test_an_edit_at_the_same_time_as_the_merge_is_not_lost(fields):
    kernel, f = fields
    ann = principal()
    clients = await Gate.open(kernel, CLIENT, ann)
    contacts = await Gate.open(kernel, CONTACT, ann)
    a = await clients.create({"name": "Ромашка"})
    b = await clients.create({"name": "Romashka"})
    worker = await contacts.create({"full_name": "Иван", f["employer"]: str(b["id"]), f["note"]: "before"})
    stale = await contacts.get(worker["id"])

    async def edit():
        # An editor saves another field of the same contact; on a conflict (the merge
        # wrote the row first) they reload and save again, as the edit form asks.
        seen = stale
        while True:
            try:
                return await (await Gate.open(kernel, CONTACT, ann)).update(worker["id"], {f["note"]: "after"}, seen["version"])
            except Conflict:
                seen = await contacts.get(worker["id"])

    merge_id, _ = await asyncio.gather(merge(kernel, ann, a["id"], [b["id"]]), edit())

    stored = await _custom("contacts_contact", worker["id"])
    assert (stored[f["employer"]], stored[f["note"]]) == (str(a["id"]), "after")
    await undo(kernel, ann, merge_id)
    stored = await _custom("contacts_contact", worker["id"])
    assert (stored[f["employer"]], stored[f["note"]]) == (str(b["id"]), "after")

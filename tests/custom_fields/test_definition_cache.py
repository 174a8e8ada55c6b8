"""Custom field definitions kept per worker behind the principal stamp
(core.auth.stamped_cache): read once per stamp, and every write path — the
definitions API, the REST API, a plugin's own SQL — moves the stamp, so the
next gate sees the change (on both engines)."""

from dataclasses import replace

from core.auth import stamp
from core.custom_fields import definitions as defs
from core.custom_fields.tables import CustomField
from core.db.engine import write_transaction
from core.permissions.gate import Gate
from core.permissions.principal import Principal
from tests.custom_fields.test_types import add_field

CLIENT = "contacts.client"
SYSTEM = Principal(user_id=None, via="system", grants={"contacts.client.read": "all"})


async def gate_at_current_stamp(kernel) -> Gate:
    """A gate opened as a request does: its principal carries the stamp read when the request began."""
    return await Gate.open(kernel, CLIENT, replace(SYSTEM, stamp=await stamp.current()))


async def test_gates_read_the_definitions_once_per_stamp(kernel):
    await defs.create_field(CLIENT, "tier", "text", "Tier", kernel=kernel)
    loads = defs._kept.loads
    for _ in range(3):
        assert "tier" in (await gate_at_current_stamp(kernel)).fields
    assert defs._kept.loads == loads + 1


async def test_every_write_path_holds_on_the_next_gate(kernel):
    await defs.create_field(CLIENT, "tier", "text", "Tier", kernel=kernel)
    assert (await gate_at_current_stamp(kernel)).fields["tier"].label["en"] == "Tier"

    await defs.update_field(CLIENT, "tier", kernel=kernel, label_en="Level")
    assert (await gate_at_current_stamp(kernel)).fields["tier"].label["en"] == "Level"

    await defs.retire_field(CLIENT, "tier", kernel=kernel)
    assert "tier" not in (await gate_at_current_stamp(kernel)).fields
    assert [d.field.name for d in await defs.list_definitions(CLIENT, include_retired=True)] == ["tier"]

    await defs.restore_field(CLIENT, "tier", kernel=kernel)
    assert "tier" in (await gate_at_current_stamp(kernel)).fields

    # A plugin's own SQL, past the definitions code: the trigger moves the stamp all the same.
    await CustomField.update({CustomField.label_en: "Grade"}).where(CustomField.name == "tier")
    assert (await gate_at_current_stamp(kernel)).fields["tier"].label["en"] == "Grade"
    assert (await defs.list_fields(CLIENT))[0].label["en"] == "Grade"  # no request: the stamp is read

    await defs.retire_field(CLIENT, "tier", kernel=kernel)
    await defs.purge_field(CLIENT, "tier", kernel=kernel)
    assert await defs.list_definitions(CLIENT, include_retired=True) == []


async def test_a_field_added_in_a_transaction_is_seen_inside_it(kernel):
    await defs.list_fields(CLIENT)  # kept: no field
    async with write_transaction():
        await CustomField(entity=CLIENT, name="fresh", type="text", label_en="Fresh", choices=[]).save()
        # Not committed: no other connection sees it, nor the stamp it moved; read in the transaction.
        assert [f.name for f in await defs.list_fields(CLIENT)] == ["fresh"]
    assert [f.name for f in await defs.list_fields(CLIENT)] == ["fresh"]


async def test_requests_read_no_definitions_until_one_changes(api):
    await add_field(api, name="tier", type="text", label="Tier")
    assert (await api.get("/api/contacts/client?fields=name,tier")).status_code == 200
    loads = defs._kept.loads
    for _ in range(3):
        assert (await api.get("/api/contacts/client?fields=name,tier")).status_code == 200
        assert (await api.get("/contacts/client/")).status_code == 200
    assert defs._kept.loads == loads

    # Changed past the definitions code: the very next request sees it.
    await CustomField.delete().where(CustomField.name == "tier")
    assert (await api.get("/api/contacts/client?fields=name,tier")).status_code == 400
    assert (await api.get("/api/fields/contacts/client")).json()["items"] == []

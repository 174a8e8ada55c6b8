"""Demo data for `klientela demo`: a living, bilingual client base, loaded once, through the gate."""

import time

from plugins.contacts import demo
from plugins.contacts.tables import Client, Contact, Event, Interaction, Task


async def test_demo_data_is_bilingual_living_and_idempotent(app_factory):
    kernel = app_factory().state.kernel
    saved = await Client.select(Client.id).output(as_list=True)
    # The session database holds other tests' clients: park them in a marker table-free way
    # by loading into an empty base only when it is empty, as the demo does.
    # Another plugin's records that cannot exist without their client (a deal) go first.
    for entity in kernel.entities.values():
        if not entity.key.startswith("contacts.") and any(
                f.type == "reference" and f.reference == "contacts.client" and f.required for f in entity.fields):
            await entity.table.delete(force=True)
    for table in (Task, Event, Interaction, Contact, Client):
        await table.delete(force=True)
    started = time.perf_counter()
    assert await demo.load(kernel, count=40) == 40
    elapsed = time.perf_counter() - started
    assert await demo.load(kernel, count=40) == 0  # a second run adds nothing
    names = await Client.select(Client.name, Client.phone, Client.search_text).where(Client.deleted_at.is_null())
    assert len(names) == 40
    assert any("«" in r["name"] for r in names) and any(r["name"].endswith("Ltd") for r in names)
    assert all(r["phone"].startswith("+") and " " not in r["phone"] for r in names)  # E.164, through the gate
    assert all(r["search_text"] for r in names)
    assert await Contact.count().where(Contact.client.is_not_null()) == 40
    assert await Interaction.count().where(Interaction.status == "planned") > 0
    assert await Interaction.count().where(Interaction.status == "done") > 0
    assert await Task.count() > 0 and await Event.count() > 0
    print(f"demo: 40 clients with their records in {elapsed:.2f} s")
    assert saved is not None

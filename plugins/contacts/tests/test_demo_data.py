"""Demo data for `klientela demo`: Russian and English clients, loaded once."""

from plugins.contacts import demo
from plugins.contacts.tables import Client, Contact


async def test_demo_data_is_bilingual_and_idempotent(migrated):
    from core.db.bootstrap import bound_kernel

    bound_kernel(migrated)
    await Contact.delete(force=True)
    await Client.delete(force=True)
    assert await demo.load(count=30) == 30
    assert await demo.load(count=30) == 0  # a second run adds nothing
    names = await Client.select(Client.name).output(as_list=True)
    assert len(names) == 30
    assert any("«" in n for n in names) and any(n.endswith("Ltd") for n in names)
    linked = await Contact.count().where(Contact.client.is_not_null())
    assert linked == 30
    await Contact.delete(force=True)
    await Client.delete(force=True)

"""Restoring a record whose unique value a live record took meanwhile: a per-field refusal, not a database error."""

from core.custom_fields.definitions import create_field


async def test_restore_refuses_a_unique_value_taken_meanwhile(kernel, api):
    await create_field("contacts.client", "code", "text", "Code", kernel=kernel, indexed=True, unique=True)
    first = (await api.post("/api/contacts/client", json={"name": "First", "code": "A-1"})).json()
    assert (await api.delete(f"/api/contacts/client/{first['id']}")).status_code == 204
    taken = await api.post("/api/contacts/client", json={"name": "Second", "code": "A-1"})
    assert taken.status_code == 201
    restored = await api.post(f"/api/contacts/client/{first['id']}/restore")
    assert restored.status_code == 422 and "code" in restored.json()["errors"]
    assert (await api.get(f"/api/contacts/client/{first['id']}")).status_code == 404  # still in the trash
    await api.patch(f"/api/contacts/client/{taken.json()['id']}", json={"code": "A-2"}, headers={"If-Match": '"1"'})
    assert (await api.post(f"/api/contacts/client/{first['id']}/restore")).status_code == 200

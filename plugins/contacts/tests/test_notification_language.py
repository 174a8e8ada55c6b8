"""Task notifications are written in the recipient's language, not in the language of whoever acted."""

from __future__ import annotations

import uuid

from core.auth.tables import User
from core.notifications import latest
from core.testing.fixtures import USER_PASSWORD, serving


async def titles(user_id) -> list[str]:
    return [n["title"] for n in await latest(user_id, limit=20)]


async def test_a_russian_speaker_acting_on_an_english_speakers_task_notifies_in_english_and_back(app_factory, make_user, client):
    ann = await make_user(roles=["sales_manager"], team="Lang-A", name="Ann")
    await User.update({User.language: "ru"}).where(User.id == ann.id)
    admin = (await client.get("/api/auth/me")).json()
    title = f"Call the bank {uuid.uuid4().hex[:6]}"
    # The administrator (English, the instance's language) gives Ann a task.
    given = await client.post("/api/contacts/task", json={"title": title, "owner_id": str(ann.id)})
    assert given.status_code == 201, given.text
    task = given.json()
    async with serving(app_factory(), login=(ann.email, USER_PASSWORD)) as as_ann:  # Ann's pages are Russian
        assert (await as_ann.post(f"/contacts/tasks/{task['id']}/accept")).status_code == 303
        assert (await as_ann.post(f"/contacts/tasks/{task['id']}/complete", data={"comment": "Готово"})).status_code == 303
    assert f"Ann accepted: {title}" in await titles(admin["id"])
    assert (await client.post(f"/contacts/tasks/{task['id']}/return", data={"comment": "More"})).status_code == 303
    assert f"Возвращено на доработку: {title}" in await titles(ann.id)

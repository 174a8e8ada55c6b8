"""A calendar-feed URL dies with its user's deactivation, for good: reactivating
the user does not bring the old URL back (a new one must be made). And only the
person at the browser makes one: an API token cannot turn itself into a feed
URL, a secret that reads as the whole user."""

from __future__ import annotations

import re
import uuid

from core.auth.tokens import create_token
from core.auth.users import deactivate_user, reactivate_user
from plugins.contacts.tables import CalendarToken
from core.testing.fixtures import USER_PASSWORD, serving


async def feed_path(app_factory, user) -> str:
    async with serving(app_factory(), login=(user.email, USER_PASSWORD)) as browser:
        made = await browser.post("/contacts/feed/")
        url = re.search(r'value="(https?://[^"]+\.ics)"', made.text).group(1)
        return url[url.index("/contacts/feed/"):]


async def test_a_feed_url_made_before_a_deactivation_stays_dead_after_reactivation(app_factory, make_user, anonymous):
    ann = await make_user(roles=["sales_manager"], team=f"Feed {uuid.uuid4().hex[:6]}")
    old = await feed_path(app_factory, ann)
    assert (await anonymous.get(old)).status_code == 200
    await deactivate_user(ann.id)
    assert (await anonymous.get(old)).status_code == 404
    await reactivate_user(ann.id)
    assert (await anonymous.get(old)).status_code == 404
    # A URL made after the reactivation works.
    new = await feed_path(app_factory, ann)
    assert (await anonymous.get(new)).status_code == 200


async def test_an_api_token_cannot_make_a_feed_url(make_user, anonymous):
    ann = await make_user(roles=["sales_manager"])
    _, narrowed = await create_token(ann.id, "calendar only", permissions=["contacts.interaction.read"])
    _, full = await create_token(ann.id, "everything")
    for secret in (narrowed, full):
        made = await anonymous.post("/contacts/feed/", headers={"Authorization": f"Bearer {secret}"})
        assert made.status_code == 404
    assert not await CalendarToken.exists().where(CalendarToken.user_id == ann.id)

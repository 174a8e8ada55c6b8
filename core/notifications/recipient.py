"""Write a notification in its recipient's language and on their clock, not the sender's.

A notification is usually written while serving someone else's request (a
manager gives a task to a colleague): ``_()`` and the date filters would use
the sender's language and zone. Inside ``async with as_recipient(user_id,
settings):`` they use the recipient's saved choices, else the instance's.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import AsyncIterator

from core.auth.tables import User
from core.i18n import use_locale, use_timezone
from core.i18n.timezones import effective_timezone


@asynccontextmanager
async def as_recipient(user_id, settings) -> AsyncIterator[None]:
    row = await User.select(User.language, User.timezone).where(User.id == user_id).first() or {}
    language = row.get("language") or settings.language
    with use_locale(language), use_timezone(effective_timezone(row.get("timezone") or "", settings.timezone)):
        yield

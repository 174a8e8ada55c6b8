"""A new user's time zone, taken from their browser at their first sign-in.

The sign-in form carries a hidden field that ``core/zone-capture.js`` fills
from ``Intl.DateTimeFormat().resolvedOptions().timeZone``. After a
successful sign-in the zone is saved on the account — only when it is a zone
this machine knows (the same list the account page offers) and only when the
user has not chosen one yet: the browser never overrides a choice, and a
traveller's laptop in another zone does not move their clock. Anything else
(no JavaScript, an unknown or forged name) changes nothing: the user reads
times in the instance's zone until they choose.
"""

from __future__ import annotations

from core.auth.tables import User
from core.i18n.timezones import TimezoneError, checked_timezone

FIELD = "browser_timezone"


async def adopt_browser_zone(user_id, typed: str | None) -> str | None:
    """Save ``typed`` as the user's zone if it is a known zone and they have none; the zone saved, or None."""
    try:
        zone = checked_timezone((typed or "")[:64])
    except TimezoneError:
        return None
    done = await User.update({User.timezone: zone}).where((User.id == user_id) & (User.timezone == "")).returning(User.id)
    return zone if done else None

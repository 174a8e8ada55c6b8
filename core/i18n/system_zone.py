"""The machine's own time zone, for a new instance's default (``klientela init``).

Users read times in their own zone (``core_user.timezone``, filled from the
browser at first sign-in: :mod:`core.i18n.browser_zone`); until then, and
for jobs with no user, the instance's ``timezone`` setting applies. ``init``
proposes the zone of the machine it runs on rather than UTC: the first
administrator usually sits where the server was set up.
"""

from __future__ import annotations

import os
from pathlib import Path

from core.i18n.timezones import TimezoneError, checked_timezone

FALLBACK = "UTC"


def _candidates(etc: Path):
    yield os.environ.get("TZ", "").lstrip(":")
    try:
        yield (etc / "timezone").read_text(encoding="utf-8").strip()  # Debian, Ubuntu
    except OSError:
        pass
    localtime = etc / "localtime"  # a symlink into the zoneinfo tree on most systems
    try:
        target = os.readlink(localtime)
    except OSError:
        return
    if "zoneinfo/" in target:
        yield target.split("zoneinfo/", 1)[1]


def system_timezone(etc: Path = Path("/etc")) -> str:
    """The first IANA zone the machine names (``TZ``, ``/etc/timezone``, ``/etc/localtime``), else UTC."""
    for name in _candidates(etc):
        if not name:
            continue
        try:
            return checked_timezone(name)
        except TimezoneError:
            continue
    return FALLBACK

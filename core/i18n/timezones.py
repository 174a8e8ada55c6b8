"""Between stored UTC and the wall clock of the reader (docs/i18n.md, "Time zones").

Every time is stored as a UTC instant (``Timestamptz``). People read and type
them in their own zone: the user's choice (``core_user.timezone``), else the
instance's setting ``timezone``. The zone of the request or job being served
is the context variable of :mod:`core.i18n` (:func:`core.i18n.current_timezone`);
the functions here convert with it unless given a zone.

* :func:`to_zone` — an instant as the reader's wall clock (for showing it);
* :func:`input_value` / :func:`from_input` — the value of an HTML
  ``datetime-local`` input, which has no zone: written and read in the
  reader's zone;
* :func:`day_bounds` / :func:`local_date` — which instants make up the
  reader's day (calendars, per-day charts, date filters on times).

Machine outputs (the JSON API, CSV, iCalendar) stay UTC ISO and do not use this.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from core.i18n import current_timezone, _

# What a datetime-local input sends: no offset, seconds and fractions optional.
_LOCAL_INPUT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?")


class TimezoneError(ValueError):
    """A zone name that is not an IANA zone this machine knows."""


@lru_cache(maxsize=1)
def timezone_names() -> tuple[str, ...]:
    """Every IANA zone name known here (Python's zoneinfo, tzdata), sorted: the choices a user gets."""
    return tuple(sorted(available_timezones()))


def checked_timezone(name: str) -> str:
    """``name`` if it is a known IANA zone, else :class:`TimezoneError` with a message fit for the user."""
    name = (name or "").strip()
    # Membership in the list rather than "ZoneInfo(name) works": the zones
    # accepted are exactly the zones the account page offers, and no file
    # name of the tz database that is not a zone gets through.
    if name not in timezone_names():
        raise TimezoneError(_("Unknown time zone {name}: choose an IANA zone such as Europe/Moscow.").format(name=repr(name)))
    return name


def effective_timezone(chosen: str, default: str) -> str:
    """A user's chosen zone if this machine knows it, else the instance's ``default``.

    A choice can stop being known (tzdata drops or renames a zone); the user
    then reads times in the instance's zone rather than getting an error.
    """
    return chosen if chosen and chosen in timezone_names() else default


def zone(name: str | None = None) -> ZoneInfo:
    """The zone called ``name`` (default: the current one). ZoneInfo keeps its own cache."""
    try:
        return ZoneInfo(name or current_timezone())
    except (ZoneInfoNotFoundError, ValueError):
        # A zone removed from tzdata after a user chose it: show UTC rather
        # than fail every page; the account page asks them to choose again.
        return ZoneInfo("UTC")


def _aware(value: datetime) -> datetime:
    # Stored times are UTC; a naive one read back (SQLite, old rows) is UTC too.
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def to_zone(value: datetime, name: str | None = None) -> datetime:
    """The instant ``value`` on the wall clock of zone ``name`` (default: the current zone)."""
    return _aware(value).astimezone(zone(name or current_timezone()))


def local_date(value: datetime, name: str | None = None) -> date:
    """The reader's calendar day of the instant ``value``."""
    return to_zone(value, name).date()


def today(name: str | None = None) -> date:
    """The reader's calendar day now (the server's date may already be tomorrow for them)."""
    return local_date(datetime.now(timezone.utc), name)


def day_bounds(first: date, last: date | None = None, name: str | None = None) -> tuple[datetime, datetime]:
    """The UTC instants [start, end) of the reader's days ``first`` through ``last`` (default: one day).

    A day is not always 24 hours (daylight saving time), so each bound is the
    local midnight converted on its own.
    """
    tz = zone(name or current_timezone())
    last = last or first
    start = datetime.combine(first, time(0), tz)
    end = datetime.combine(last + timedelta(days=1), time(0), tz)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def input_value(value) -> str:
    """What a ``datetime-local`` input shows for ``value``: a stored instant on the
    reader's wall clock (``2024-05-31T14:30``); text (a form sent back with an
    error) as it was typed; nothing for nothing."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = _with_offset(value)
        if isinstance(value, str):
            return value
    if not isinstance(value, datetime):
        return str(value)
    # A skipped wall time (refused by validation) comes back as it was typed;
    # converting it would show another time than the one the error is about.
    local = (value if skipped(value) else to_zone(value)).replace(tzinfo=None)
    # Seconds only when there are some, milliseconds only when there are some:
    # a browser refuses (and empties) a value with more than 3 decimals.
    if local.microsecond // 1000:
        return local.isoformat(timespec="milliseconds")
    if local.second or local.microsecond:
        return local.isoformat(timespec="seconds")
    return local.isoformat(timespec="minutes")


def _with_offset(text: str):
    """An ISO text with its own offset as a datetime (shown on the reader's clock), else the text."""
    try:
        value = datetime.fromisoformat(text.strip()[:-1] + "+00:00" if text.strip().endswith(("Z", "z")) else text.strip())
    except ValueError:
        return text
    return value if value.tzinfo is not None else text


def from_input(raw):
    """A typed date and time without a zone, read on the reader's wall clock.

    Returns an aware ``datetime`` in the reader's zone (validation turns it into
    UTC, and refuses a wall time the clocks skip). Anything else — a value with
    its own offset, an empty or malformed text — is returned unchanged, for
    validation to accept or to refuse with its own message.
    """
    if not isinstance(raw, str):
        return raw
    text = raw.strip()
    if not _LOCAL_INPUT.fullmatch(text):
        return raw
    try:
        naive = datetime.fromisoformat(text)
    except ValueError:
        return raw
    return naive.replace(tzinfo=zone(current_timezone()))


def skipped(value: datetime) -> bool:
    """Is ``value`` a wall time its zone skips (the hour clocks jump over in spring)?

    Only a ``ZoneInfo`` wall time can be: converting it to UTC and back lands
    on another wall time. Fixed offsets (``+03:00``, UTC) never skip.
    """
    if not isinstance(value.tzinfo, ZoneInfo):
        return False
    back = value.astimezone(timezone.utc).astimezone(value.tzinfo)
    return back.replace(tzinfo=None) != value.replace(tzinfo=None)


__all__ = [
    "TimezoneError", "timezone_names", "checked_timezone", "effective_timezone", "zone", "to_zone", "local_date", "day_bounds",
    "input_value", "from_input", "skipped",
]

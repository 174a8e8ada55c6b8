"""Login throttling that slows attackers down without locking the real user out.

Counts live in the database (``core_login_counter``, shared by all app
workers and processes, nothing in process memory); every attempt is also a
row of ``core_login_attempt`` (the log). Before a password is checked, the
attempt is put in one of two classes:

* **known device** — the client shows a valid known-device cookie for this
  account (an HMAC-signed cookie set at a successful login, see
  ``core.auth.devices``). Only failures from *that device on that account*
  count (:data:`DEVICE`). An attack from elsewhere never slows it down: the
  real user on their usual browser always gets in.
* **unknown device** — everyone else, limited twice: failures on the
  account from any unknown device (:data:`ACCOUNT`, so rotating addresses
  does not help), and failures from the address across all accounts
  (:data:`ADDRESS`, against credential stuffing).

A rule's count starts again after a quiet ``window`` (no attempt). After
``threshold`` failures each further attempt must wait
``base * 2 ** (failures - threshold)`` seconds after the latest failure,
capped at ``cap``. Refused attempts count as failures too, so
hammering only makes the wait longer (up to the cap). A success ends the
account's (or device's) count; the address count is never reset by a
success (an attacker could sign in to their own account to reset it).

A refused client is told how long to wait, and, for the account rule, that a
device used before still works.

Checking and counting are one step in the database (:func:`admit`): one
UPSERT ... RETURNING per rule counts the attempt and returns the count before
it, so a burst of simultaneous guesses — from one app process or several
sharing the database — gets at most ``threshold`` passwords checked, never
one per request. The attempt counts as a failure until its password proves
right (:func:`succeeded`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from piccolo.engine.base import Engine
from piccolo.querystring import QueryString

from core.auth.common import as_datetime, utcnow
from core.db.engine import get_engine
from core.i18n import _, ngettext


@dataclass(frozen=True)
class Rule:
    name: str
    threshold: int  # failures allowed before any wait
    base: float  # seconds: the first wait
    cap: float  # seconds: the longest wait
    window: float  # seconds: how far back failures count


ACCOUNT = Rule("account", threshold=5, base=1, cap=15 * 60, window=24 * 3600)
DEVICE = Rule("device", threshold=10, base=1, cap=15 * 60, window=24 * 3600)
ADDRESS = Rule("address", threshold=20, base=1, cap=60 * 60, window=3600)


def wait_seconds(rule: Rule, failures: int, last_failure: datetime | None, now: datetime) -> float:
    """How long the next attempt must still wait (0: go ahead)."""
    if failures < rule.threshold or last_failure is None:
        return 0.0
    delay = min(rule.cap, rule.base * 2 ** min(failures - rule.threshold, 40))
    return max(0.0, (last_failure + timedelta(seconds=delay) - now).total_seconds())


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds
    rule: str = ""

    def message(self) -> str:
        """The refusal in the reader's language (``_`` translates per request)."""
        wait = _human(self.retry_after)
        if self.rule == "address":
            return _("Too many failed sign-in attempts from your network. Try again in {wait}.").format(wait=wait)
        if self.rule == "device":
            return _("Too many failed sign-in attempts from this device. Try again in {wait}.").format(wait=wait)
        return _(
            "Too many failed sign-in attempts for this account. Try again in {wait}, "
            "or sign in from a device you have used before."
        ).format(wait=wait)


def _human(seconds: int) -> str:
    if seconds < 60:
        n = max(seconds, 1)
        return ngettext("%(num)d second", "%(num)d seconds", n) % {"num": n}
    minutes = -(-seconds // 60)
    return ngettext("%(num)d minute", "%(num)d minutes", minutes) % {"num": minutes}


async def _run(engine: Engine, sql: str, *args) -> list[dict]:
    rows = await engine.run_querystring(QueryString(sql, *args))
    return [dict(r) for r in rows or []]


# One statement per rule: count this attempt and return the count before it and
# the attempt before it. The database applies it to the latest committed row
# (a row lock held for this one statement on PostgreSQL, the write lock on
# SQLite), so simultaneous attempts are counted one after another. A count
# whose latest attempt is older than the rule's window starts again.
_BUMP_SQL = (
    "INSERT INTO core_login_counter (key, failures, last_at, previous_at) VALUES ({}, 1, {}, NULL) "
    "ON CONFLICT (key) DO UPDATE SET "
    "failures = CASE WHEN core_login_counter.last_at IS NULL OR core_login_counter.last_at <= {} THEN 1 "
    "ELSE core_login_counter.failures + 1 END, "
    "previous_at = CASE WHEN core_login_counter.last_at IS NULL OR core_login_counter.last_at <= {} THEN NULL "
    "ELSE core_login_counter.last_at END, "
    "last_at = excluded.last_at "
    "RETURNING failures, previous_at"
)
_RESET_SQL = "UPDATE core_login_counter SET failures = 0, last_at = NULL, previous_at = NULL WHERE key = {}"
_UNCOUNT_SQL = "UPDATE core_login_counter SET failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END WHERE key = {}"


def _rules(email: str, ip: str, device: str) -> list[tuple[Rule, str]]:
    """The rules this attempt is counted by, each with its counter's key."""
    if device:
        return [(DEVICE, f"device:{email}:{device}")]
    return [(ACCOUNT, f"account:{email}"), (ADDRESS, f"address:{ip}")]


@dataclass(frozen=True)
class Admission:
    """The verdict on one attempt, what it counted, and the id of its log row."""

    verdict: Verdict
    attempt_id: uuid.UUID
    keys: tuple[tuple[str, str], ...] = ()  # (rule name, counter key)


async def admit(email: str, ip: str, device: str, *, engine: Engine | None = None) -> Admission:
    """Decide whether this attempt may have its password checked, counting it in the same step.

    Each rule's counter is bumped by one atomic UPSERT ... RETURNING that also
    says how many attempts came before and when the latest was: no read then
    write, no lock held across round trips. So every app worker and process
    sees the attempts before it, and a burst of simultaneous guesses has at most
    ``threshold`` passwords checked. The attempt counts as a failure from here
    on; :func:`succeeded` takes it back when the password was right.
    ``engine`` is for tests that play a second app process with its own pool.
    """
    engine = engine or get_engine()
    email, ip = email[:254], ip[:64]
    now = utcnow()
    worst = Verdict(True)
    keys = []
    for rule, key in _rules(email, ip, device):
        window_start = now - timedelta(seconds=rule.window)
        [row] = await _run(engine, _BUMP_SQL, key, now, window_start, window_start)
        keys.append((rule.name, key))
        wait = wait_seconds(rule, int(row["failures"]) - 1, as_datetime(row["previous_at"]), now)
        if wait > 0 and wait > worst.retry_after:
            worst = Verdict(False, int(wait + 0.999), rule.name)
    attempt_id = uuid.uuid4()
    # The log of attempts (security review, the clean-up job); the throttle reads the counters.
    await _run(
        engine,
        "INSERT INTO core_login_attempt (id, email, ip, device, at, success, throttled) VALUES ({}, {}, {}, {}, {}, {}, {})",
        attempt_id, email, ip, device, now, False, not worst.allowed,
    )
    return Admission(worst, attempt_id, tuple(keys))


async def succeeded(admission: Admission, *, engine: Engine | None = None) -> None:
    """The attempt's password was right: the account's (or device's) count starts again;
    the address's only forgets this attempt (signing in to one's own account must
    not clear an address that tried others)."""
    engine = engine or get_engine()
    for rule, key in admission.keys:
        await _run(engine, _UNCOUNT_SQL if rule == ADDRESS.name else _RESET_SQL, key)
    await _run(engine, "UPDATE core_login_attempt SET success = {} WHERE id = {}", True, admission.attempt_id)
    # Old rows serve no rule any more (the longest window is a day).
    old = utcnow() - timedelta(days=30)
    await _run(engine, "DELETE FROM core_login_attempt WHERE at < {}", old)
    await _run(engine, "DELETE FROM core_login_counter WHERE last_at < {}", old)

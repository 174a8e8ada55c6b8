"""Login throttling that slows attackers down without locking the real user out.

Every attempt is a row of ``core_login_attempt`` (shared by all app workers,
nothing in process memory). Before a password is checked, the attempt is
put in one of two classes:

* **known device** — the client shows a valid known-device cookie for this
  account (an HMAC-signed cookie set at a successful login, see
  ``core.auth.devices``). Only failures from *that device on that account*
  count (:data:`DEVICE`). An attack from elsewhere never slows it down: the
  real user on their usual browser always gets in.
* **unknown device** — everyone else, limited twice: failures on the
  account from any unknown device (:data:`ACCOUNT`, so rotating addresses
  does not help), and failures from the address across all accounts
  (:data:`ADDRESS`, against credential stuffing).

Within a rule's window, after ``threshold`` failures each further attempt
must wait ``base * 2 ** (failures - threshold)`` seconds after the latest
failure, capped at ``cap``. Refused attempts count as failures too, so
hammering only makes the wait longer (up to the cap). A success ends the
account's (or device's) count; the address count is never reset by a
success (an attacker could sign in to their own account to reset it).

A refused client is told how long to wait, and, for the account rule, that a
device used before still works.

Checking and counting are one step in the database (:func:`admit`): the
counts are read and the attempt's row written under one lock, so a burst of
simultaneous guesses — from one app process or several sharing the database —
gets at most ``threshold`` passwords checked, never one per request.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from piccolo.engine.base import Engine
from piccolo.querystring import QueryString

from core.auth.common import as_datetime, utcnow
from core.db.engine import engine_kind, get_engine, write_transaction
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


_COUNT_SQL = (
    "SELECT count(*) AS n, max(at) AS last FROM core_login_attempt "
    "WHERE {where} AND success = {{}} AND at > {{}}"
)


async def _run(engine: Engine, sql: str, *args) -> list[dict]:
    rows = await engine.run_querystring(QueryString(sql, *args))
    return [dict(r) for r in rows or []]


async def _failures(engine: Engine, where: str, args: list, since: datetime, reset_on_success: bool) -> tuple[int, datetime | None]:
    sql = _COUNT_SQL.format(where=where)
    params = [*args, False, since]
    if reset_on_success:
        sql += f" AND at > COALESCE((SELECT max(at) FROM core_login_attempt WHERE {where} AND success = {{}}), {{}})"
        params += [*args, True, since]
    row = (await _run(engine, sql, *params))[0]
    return int(row["n"] or 0), as_datetime(row["last"])


def _rules(email: str, ip: str, device: str) -> list[tuple[Rule, str, list, bool]]:
    if device:
        return [(DEVICE, "email = {} AND device = {}", [email, device], True)]
    return [
        (ACCOUNT, "email = {} AND device = {}", [email, ""], True),
        (ADDRESS, "ip = {} AND device = {}", [ip, ""], False),
    ]


async def _verdict(engine: Engine, email: str, ip: str, device: str, now: datetime) -> Verdict:
    worst = Verdict(True)
    for rule, where, args, resets in _rules(email, ip, device):
        count, last = await _failures(engine, where, args, now - timedelta(seconds=rule.window), resets)
        wait = wait_seconds(rule, count, last, now)
        if wait > 0 and wait > worst.retry_after:
            worst = Verdict(False, int(wait + 0.999), rule.name)
    return worst


def _lock_keys(email: str, ip: str, device: str) -> list[int]:
    """PostgreSQL advisory-lock keys of the counts this attempt reads (signed 64-bit),
    sorted so two attempts always take shared keys in the same order (no deadlock)."""
    names = [f"device:{email}:{device}"] if device else [f"account:{email}", f"address:{ip}"]
    digest = lambda name: int.from_bytes(hashlib.sha256(f"klientela/login/{name}".encode()).digest()[:8], "big", signed=True)  # noqa: E731
    return sorted({digest(n) for n in names})


@dataclass(frozen=True)
class Admission:
    """The verdict on one attempt, and the id of its row (already written as a failure)."""

    verdict: Verdict
    attempt_id: uuid.UUID


async def admit(email: str, ip: str, device: str, *, engine: Engine | None = None) -> Admission:
    """Decide whether this attempt may have its password checked, and record it, as one step.

    The counts are read and the attempt's row is written under one database
    lock: an IMMEDIATE transaction on SQLite (the database's write lock), and
    transaction-scoped advisory locks on the account/address (or device) keys
    on PostgreSQL. So every app worker and process sees the attempts before it,
    and a burst of simultaneous guesses is admitted at most ``threshold`` times.

    The row is written as a failure before the password is checked (an
    attempt being verified already counts against the next one); call
    :func:`succeeded` when the password was right. ``engine`` is for tests
    that play a second app process with its own connection pool.
    """
    engine = engine or get_engine()
    email, ip = email[:254], ip[:64]
    attempt_id = uuid.uuid4()
    async with write_transaction(engine):
        if engine_kind(engine) == "postgres":
            for key in _lock_keys(email, ip, device):
                await _run(engine, "SELECT pg_advisory_xact_lock({}) AS locked", key)
        # Read the clock inside the lock, so attempts are stamped in the order they were admitted.
        now = utcnow()
        verdict = await _verdict(engine, email, ip, device, now)
        await _run(
            engine,
            "INSERT INTO core_login_attempt (id, email, ip, device, at, success, throttled) VALUES ({}, {}, {}, {}, {}, {}, {})",
            attempt_id, email, ip, device, now, False, not verdict.allowed,
        )
    return Admission(verdict, attempt_id)


async def succeeded(admission: Admission, *, engine: Engine | None = None) -> None:
    """The attempt's password was right: it ends the account's (or device's) count."""
    engine = engine or get_engine()
    await _run(engine, "UPDATE core_login_attempt SET success = {} WHERE id = {}", True, admission.attempt_id)
    # Old rows serve no rule any more (the longest window is a day).
    await _run(engine, "DELETE FROM core_login_attempt WHERE at < {}", utcnow() - timedelta(days=30))

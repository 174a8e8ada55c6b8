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
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.auth.common import as_datetime, fetch
from core.auth.tables import LoginAttempt
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


async def _failures(where: str, args: list, since: datetime, reset_on_success: bool) -> tuple[int, datetime | None]:
    sql = _COUNT_SQL.format(where=where)
    params = [*args, False, since]
    if reset_on_success:
        sql += f" AND at > COALESCE((SELECT max(at) FROM core_login_attempt WHERE {where} AND success = {{}}), {{}})"
        params += [*args, True, since]
    row = (await fetch(sql, *params))[0]
    return int(row["n"] or 0), as_datetime(row["last"])


async def check(email: str, ip: str, device: str, now: datetime) -> Verdict:
    """May this attempt have its password checked?"""
    if device:
        rules = [(DEVICE, "email = {} AND device = {}", [email, device], True)]
    else:
        rules = [
            (ACCOUNT, "email = {} AND device = {}", [email, ""], True),
            (ADDRESS, "ip = {} AND device = {}", [ip, ""], False),
        ]
    worst = Verdict(True)
    for rule, where, args, resets in rules:
        count, last = await _failures(where, args, now - timedelta(seconds=rule.window), resets)
        wait = wait_seconds(rule, count, last, now)
        if wait > 0 and wait > worst.retry_after:
            worst = Verdict(False, int(wait + 0.999), rule.name)
    return worst


async def record(email: str, ip: str, device: str, *, success: bool, throttled: bool, now: datetime) -> None:
    await LoginAttempt.insert(
        LoginAttempt(email=email[:254], ip=ip[:64], device=device, at=now, success=success, throttled=throttled)
    )
    if success:
        # Old rows serve no rule any more (the longest window is a day).
        await LoginAttempt.delete().where(LoginAttempt.at < now - timedelta(days=30))

"""Principals of sessions, API tokens and users, kept in process memory between requests.

Building a principal takes three queries (the session or token row with its
user, the roles' grants and field rules, the team and department members);
each SQLite query hops to a thread and back. A user's next request would
build the very same principal again, so each worker keeps it, keyed by the
session id or the token prefix, together with the row it came from.

A kept entry is used only under the stamp it was built under
(:mod:`core.auth.stamp`): every lookup first reads the current stamp — one
primary-key read — and any change of a user, their roles, grants, field
rules, teams, department, sessions or tokens, made by any process, has moved
it. So the next request after such a change, on any worker, rebuilds.

What is checked on every request all the same, from the kept row: a
session's absolute and idle end (a session that looks idle is re-read, since
another worker may have recorded activity since), a token's secret, expiry,
revocation and its user's deactivation.

The per-request ``ip`` is not part of a kept principal; the middleware sets it.

Jobs and calendar feeds act as a user, not through a session or token
(:func:`user_principal`): their principals are kept per user and kind of
caller (``via``) in one cache per process, under the same stamp, so a job
started by a user whose roles changed, or a feed of a user deactivated a
moment ago, sees the change on its very next run or request.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from core.auth import principals, sessions, stamp
from core.auth.sessions import Lifetimes
from core.permissions.principal import Principal

# Entries per worker; beyond it the oldest go (a refill costs one rebuild). A
# principal holds its grants and the ids of its team and department members:
# from a few KB to ~100 KB for a member of a department of thousands.
LIMIT = 2_000


@dataclass(slots=True)
class Entry:
    stamp: int
    row: dict  # principals.session_row / principals.token_row; the middleware updates its touch times
    principal: Principal | None  # None: a token no secret can make usable (revoked, user deactivated...)
    by_address: dict[str, Principal] = field(default_factory=dict)

    def principal_from(self, ip: str) -> Principal:
        """The principal with the request's address (a frozen copy per address: ``replace`` costs ~10 µs),
        carrying the stamp it was checked under (an entry is used only while that stamp is current)."""
        found = self.by_address.get(ip)
        if found is None:
            if len(self.by_address) >= 8:
                self.by_address.clear()
            found = self.by_address[ip] = replace(self.principal, ip=ip, stamp=self.stamp)
        return found


class PrincipalCache:
    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        self._entries: dict[str, Entry] = {}
        self._stamp: int | None = None
        self.hits = 0
        self.misses = 0

    def _get(self, key: str, current: int) -> Entry | None:
        if current != self._stamp:
            # Entries built under another stamp can never be used again.
            self._entries.clear()
            self._stamp = current
        entry = self._entries.get(key)
        if entry is not None and entry.stamp == current:
            self.hits += 1
            return entry
        self.misses += 1
        return None

    def _put(self, key: str, entry: Entry) -> None:
        if entry.stamp != self._stamp:
            return  # the stamp moved while this one was being built: it may be stale already
        if len(self._entries) >= self.limit:
            self._entries.pop(next(iter(self._entries)))
        self._entries[key] = entry

    async def session(self, sid: str, now: datetime, life: Lifetimes) -> Entry | None:
        """The live session ``sid`` (hash of the cookie's token), or None (a dead one is deleted)."""
        current = await stamp.current()
        key = "s" + sid
        entry = self._get(key, current)
        if entry is not None and sessions.is_live(entry.row["expires_at"], entry.row["last_seen_at"], now, life):
            return entry
        row = await principals.session_row(sid)
        if row is None:
            return None
        if not (row["is_active"] and sessions.is_live(row["expires_at"], row["last_seen_at"], now, life)):
            await sessions.delete_by_id(row["id"])  # expired, or its user was deactivated
            return None
        if entry is not None:  # only looked idle: another worker recorded activity since
            entry.row["last_seen_at"] = row["last_seen_at"]
            return entry
        entry = Entry(current, row, await principals.build(row, via="session"))
        self._put(key, entry)
        return entry

    async def user(self, user_id, via: str, issued_at: datetime | None = None) -> Principal | None:
        """:func:`core.auth.principals.principal_for_user`, kept: None for an inactive user, or for a
        credential issued before the user's last deactivation (checked on every call, from the kept row)."""
        current = await stamp.current()
        key = f"u{via}:{user_id}"
        entry = self._get(key, current)
        if entry is None:
            row = await principals.user_row(user_id)
            principal = await principals.build(row, via=via) if principals.user_may_act(row) else None
            entry = Entry(current, row or {}, principal)
            self._put(key, entry)
        return entry.principal if principals.user_may_act(entry.row, issued_at) else None

    async def token(self, prefix: str, secret: str, now: datetime) -> Entry | None:
        """The token ``kl_<prefix>_<secret>`` if it is usable now, else None."""
        current = await stamp.current()
        key = "t" + prefix
        entry = self._get(key, current)
        if entry is None:
            row = await principals.token_row(prefix)
            if row is None:
                return None
            principal = None
            if principals.token_may_be_usable(row):
                principal = await principals.build(row, via="token", token_permissions=principals.token_scope(row["permissions"]))
            entry = Entry(current, row, principal)
            self._put(key, entry)
        if entry.principal is None or not principals.token_usable(entry.row, secret, now):
            return None
        return entry


# Jobs, feeds and reminders of this process (requests have their app's cache, in the auth middleware).
_users = PrincipalCache()


def users_cache() -> PrincipalCache:
    return _users


async def user_principal(user_id, via: str = "job", issued_at: datetime | None = None) -> Principal | None:
    """The principal of the user ``user_id`` acting through ``via`` ("job", "feed"...), kept in
    this process under the stamp; None when the user is inactive or, with ``issued_at``, when
    that credential predates their last deactivation (see ``principal_for_user``)."""
    return await _users.user(user_id, via, issued_at)

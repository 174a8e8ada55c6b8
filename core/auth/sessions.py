"""Server-side sessions in ``core_session``.

Not Litestar's server-side session backend: that one keeps a session id the
client chose through login (session fixation). Here:

* the cookie ``klientela_session`` carries a random 32-byte token; the row's
  id is its SHA-256, so the table never holds a usable cookie value;
* a login always creates a new row with a new token and a new CSRF token,
  and deletes the row the client came with (if any);
* an unknown or expired token is never adopted: it names no row, so it
  grants nothing and login ignores it;
* a session ends after ``session_idle_minutes`` without a request, and at
  the latest ``session_max_hours`` after login, whatever the activity;
* logout deletes the row; deactivating a user deletes all their rows.

Activity is written at most once a minute per session (``TOUCH_EVERY``), so
most requests only read. The table is the truth, shared by every worker; a
worker keeps a session's row and principal between requests only under the
principal stamp (``core.auth.principal_cache``), which any change of the
row — its end included — moves.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from litestar.datastructures import Cookie

from core.auth.common import sha256_hex, utcnow
from core.auth.tables import Session

SESSION_COOKIE = "klientela_session"
TOUCH_EVERY = timedelta(seconds=60)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def session_id(token: str) -> str:
    return sha256_hex(token)


@dataclass(frozen=True)
class Lifetimes:
    idle: timedelta
    absolute: timedelta

    @classmethod
    def of(cls, settings) -> "Lifetimes":
        return cls(idle=timedelta(minutes=settings.session_idle_minutes), absolute=timedelta(hours=settings.session_max_hours))


def is_live(expires_at: datetime, last_seen_at: datetime, now: datetime, life: Lifetimes) -> bool:
    return now < expires_at and now < last_seen_at + life.idle


def cookie_max_age(expires_at: datetime, now: datetime, life: Lifetimes) -> int:
    """The idle timeout, but never past the absolute end."""
    return max(0, int(min(life.idle, expires_at - now).total_seconds()))


def session_cookie(token: str, settings, max_age: int) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=token,
        max_age=max_age,
        path="/",
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
    )


def clear_session_cookie(settings) -> Cookie:
    return Cookie(key=SESSION_COOKIE, value="", max_age=0, path="/", httponly=True, secure=settings.cookie_secure, samesite="lax")


@dataclass(frozen=True)
class NewSession:
    token: str
    id: str
    csrf_token: str
    expires_at: datetime
    max_age: int


async def create_session(user_id: UUID, settings, *, ip: str = "", user_agent: str = "", replaces: str | None = None) -> NewSession:
    """A fresh session for ``user_id``; ``replaces`` (a cookie token) is deleted first."""
    now = utcnow()
    life = Lifetimes.of(settings)
    if replaces:
        await Session.delete().where(Session.id == session_id(replaces))
    # Keep the table small: this user's dead sessions go at each login.
    await Session.delete().where(
        (Session.user == user_id) & ((Session.expires_at <= now) | (Session.last_seen_at <= now - life.idle))
    )
    token = new_token()
    row = Session(
        id=session_id(token),
        user=user_id,
        created_at=now,
        expires_at=now + life.absolute,
        last_seen_at=now,
        ip=ip[:64],
        user_agent=user_agent[:300],
        csrf_token=secrets.token_urlsafe(32),
    )
    await row.save()
    return NewSession(token, row.id, row.csrf_token, row.expires_at, cookie_max_age(row.expires_at, now, life))


async def touch(sid: str, now: datetime) -> None:
    await Session.update({Session.last_seen_at: now}).where(Session.id == sid)


async def delete_session(token: str) -> None:
    await Session.delete().where(Session.id == session_id(token))


async def delete_by_id(sid: str) -> None:
    await Session.delete().where(Session.id == sid)


async def end_user_sessions(user_id: UUID, keep: str | None = None) -> int:
    """Delete every session of a user (but ``keep``, a session id); returns how many."""
    where = Session.user == user_id
    if keep:
        where = where & (Session.id != keep)
    count = await Session.count().where(where)
    await Session.delete().where(where)
    return count

"""Writing and reading notifications. Every function takes the user id it acts for:
a user only ever reads or marks their own notifications."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any
from uuid import UUID

from core.notifications.tables import Notification

MAX_TITLE = 300
MAX_BODY = 4000
MAX_URL = 1000
KIND_RE = re.compile(r"^[a-z][a-z0-9_.-]{0,39}$")
PAGE = 50
COLUMNS = (Notification.id, Notification.kind, Notification.title, Notification.body, Notification.url,
           Notification.created_at, Notification.read_at)


class NotificationError(ValueError):
    """A notification that cannot be stored; the message says which argument and why."""


def _user(user_id: Any) -> UUID:
    if isinstance(user_id, UUID):
        return user_id
    try:
        return UUID(str(user_id))
    except (TypeError, ValueError):
        raise NotificationError(f"user_id must be a user's UUID, not {user_id!r}") from None


def _local_url(url: str) -> str:
    """Only a path on this site: the link is rendered in the shell, so a
    ``javascript:`` or another host's URL must never get that far."""
    from core.auth.guard import local_path

    if not url:
        return ""
    if len(url) > MAX_URL:
        raise NotificationError(f"url is {len(url)} characters; at most {MAX_URL}")
    if local_path(url, default="") != url:
        raise NotificationError(f"url must be a path on this site starting with '/', not {url!r}")
    return url


async def notify(user_id: Any, title: str, body: str = "", url: str = "", kind: str = "info") -> UUID:
    """Store a notification for one user and return its id.

    ``title`` (required, up to 300 characters) and ``body`` (up to 4000) are
    plain text — they are escaped wherever shown; ``url`` is a local path the
    notification opens (``/contacts/client/…``) or ""; ``kind`` a short
    lower-case tag plugins choose (``"reminder"``, ``"job"``). Raises
    :class:`NotificationError` on bad input, an unknown or inactive user
    included; nothing is stored then. The user sees it live within the
    stream's poll interval on every open page.
    """
    from core.auth.tables import User

    uid = _user(user_id)
    title = (title or "").strip()
    if not title:
        raise NotificationError("title is required")
    if len(title) > MAX_TITLE:
        raise NotificationError(f"title is {len(title)} characters; at most {MAX_TITLE}")
    body = body or ""
    if len(body) > MAX_BODY:
        raise NotificationError(f"body is {len(body)} characters; at most {MAX_BODY}")
    if not KIND_RE.match(kind or ""):
        raise NotificationError(f"kind must be a short lower-case tag (letters, digits, _ . -), not {kind!r}")
    url = _local_url(url or "")
    if not await User.exists().where((User.id == uid) & (User.is_active == True)):  # noqa: E712
        raise NotificationError(f"no active user has id {uid}")
    row = Notification(user_id=uid, title=title, body=body, url=url, kind=kind)
    await row.save()
    return row.id


async def unread_count(user_id: Any) -> int:
    uid = _user(user_id)
    return await Notification.count().where((Notification.user_id == uid) & Notification.read_at.is_null())


async def latest(user_id: Any, *, before: Any = None, unread_only: bool = False, limit: int = PAGE) -> list[dict]:
    """Newest first; ``before`` (a notification id) pages to older ones."""
    uid = _user(user_id)
    query = Notification.select(*COLUMNS).where(Notification.user_id == uid)
    if before is not None:
        query = query.where(Notification.id < _user(before))
    if unread_only:
        query = query.where(Notification.read_at.is_null())
    return await query.order_by(Notification.id, ascending=False).limit(max(1, min(limit, 200)))


async def newer_than(user_id: Any, last_id: UUID | None, limit: int = 20) -> list[dict]:
    """Notifications created after ``last_id`` (ids are time-ordered UUIDv7), oldest first."""
    uid = _user(user_id)
    query = Notification.select(*COLUMNS).where(Notification.user_id == uid)
    if last_id is not None:
        query = query.where(Notification.id > last_id)
    return await query.order_by(Notification.id).limit(limit)


async def newest_id(user_id: Any) -> UUID | None:
    uid = _user(user_id)
    row = await Notification.select(Notification.id).where(Notification.user_id == uid).order_by(
        Notification.id, ascending=False).first()
    return row["id"] if row else None


async def get(user_id: Any, notification_id: Any) -> dict | None:
    """One notification of this user; None when missing or someone else's (same answer)."""
    uid = _user(user_id)
    try:
        nid = _user(notification_id)
    except NotificationError:
        return None
    return await Notification.select(*COLUMNS).where((Notification.user_id == uid) & (Notification.id == nid)).first()


async def mark_read(user_id: Any, ids: list[Any]) -> int:
    """Mark these of the user's notifications read; others' ids are ignored. Returns how many changed."""
    uid = _user(user_id)
    wanted = [_user(i) for i in ids]
    if not wanted:
        return 0
    where = (Notification.user_id == uid) & Notification.id.is_in(wanted) & Notification.read_at.is_null()
    changed = await Notification.count().where(where)
    await Notification.update({Notification.read_at: datetime.now(timezone.utc)}).where(where)
    return changed


async def mark_all_read(user_id: Any) -> int:
    uid = _user(user_id)
    where = (Notification.user_id == uid) & Notification.read_at.is_null()
    changed = await Notification.count().where(where)
    await Notification.update({Notification.read_at: datetime.now(timezone.utc)}).where(where)
    return changed

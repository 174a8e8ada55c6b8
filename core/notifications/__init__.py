"""Notifications: ``await notify(user_id, title, body, url, kind)`` — core's public API.

A plugin tells a user something (a reminder is due, a job finished, a deal
was assigned) by calling :func:`notify`; the user sees it live in the shell
(server-sent events, ``stream.py``), in the unread counter and on
``/notifications``. Everything lives in the ``core_notification`` table, so
any app process can write a notification and any other can deliver it.
See docs/notifications.md.
"""

from __future__ import annotations

from core.notifications.api import (
    MAX_BODY,
    MAX_TITLE,
    NotificationError,
    get,
    latest,
    mark_all_read,
    mark_read,
    newer_than,
    newest_id,
    notify,
    unread_count,
)

__all__ = [
    "MAX_BODY", "MAX_TITLE", "NotificationError", "get", "latest", "mark_all_read", "mark_read",
    "newer_than", "newest_id", "notify", "unread_count",
]

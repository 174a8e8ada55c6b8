"""``core_notification``: what a user is told (reminders, job results, mentions).

A notification belongs to one user and is never shared; ``read_at`` is NULL
until the user reads it. Ids are UUIDv7, so ``id > last_seen`` is "newer
than" — the live stream (``stream.py``) relies on that instead of keeping any
state in process memory. ``user_id`` is not a foreign key on purpose (like
``core_job``): a notification is history; purging a user purges by id.
"""

from piccolo.columns import UUID, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod  # noqa: F401  (kept for generated migrations)
from piccolo.table import Table

from core.entities.base import new_id


class Notification(Table, tablename="core_notification"):
    id = UUID(primary_key=True, default=new_id)
    user_id = UUID(index=True)
    kind = Varchar(length=40, default="info")
    title = Varchar(length=300)
    body = Text(default="")
    url = Varchar(length=1000, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    read_at = Timestamptz(null=True, default=None)

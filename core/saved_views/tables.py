"""``core_saved_view``: one saved list view (owner, entity, name, URL state, shared flag)."""

from piccolo.columns import UUID, Boolean, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.entities.base import new_id


class SavedView(Table, tablename="core_saved_view"):
    id = UUID(primary_key=True, default=new_id)
    # Not a foreign key, like core_job.user_id: a shared view outlives nothing
    # it needs from the user row, and purging users is a separate concern.
    owner_id = UUID(index=True)
    entity = Varchar(length=100, index=True)
    name = Varchar(length=100)
    # The list's query string (filters, search, sort, columns, limit) without
    # the paging cursor: opening the view is opening ``<entity url>/?<state>``.
    state = Text(default="")
    shared = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())

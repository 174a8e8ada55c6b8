"""The audit trail: one row per field change, written in the change's transaction."""

from piccolo.columns import UUID, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod  # noqa: F401  (kept for generated migrations)
from piccolo.table import Table

from core.entities.base import new_id


class AuditChange(Table, tablename="core_audit_change"):
    id = UUID(primary_key=True, default=new_id)
    at = Timestamptz(default=TimestamptzNow(), index=True)
    actor_id = UUID(null=True, default=None)
    via = Varchar(length=16, default="system")  # session, token, job, system
    ip = Varchar(length=64, default="")
    entity = Varchar(length=80, index=True)
    record_id = UUID(index=True)
    action = Varchar(length=16)  # create, update, delete, restore, purge
    field = Varchar(length=63, default="")  # "" for a record-level action
    old_value = Text(null=True, default=None)  # JSON text
    new_value = Text(null=True, default=None)  # JSON text

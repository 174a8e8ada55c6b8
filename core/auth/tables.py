"""Core's user table. Roles, teams and sessions build on it."""

from piccolo.columns import UUID, Boolean, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.entities.base import new_id


class User(Table, tablename="core_user"):
    id = UUID(primary_key=True, default=new_id)
    email = Varchar(length=254, unique=True)
    name = Varchar(length=200, default="")
    password_hash = Varchar(length=255)
    is_admin = Boolean(default=False)
    is_active = Boolean(default=True)
    language = Varchar(length=8, default="en")
    created_at = Timestamptz(default=TimestamptzNow())
    last_login_at = Timestamptz(null=True, default=None)

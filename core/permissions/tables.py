"""Roles: sets of (permission, scope) grants plus field rules, assigned to users."""

from piccolo.columns import JSONB, UUID, Boolean, ForeignKey, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.auth.tables import User
from core.entities.base import new_id


class Role(Table, tablename="core_role"):
    id = UUID(primary_key=True, default=new_id)
    key = Varchar(length=64, unique=True)
    label_en = Varchar(length=100, default="")
    label_ru = Varchar(length=100, default="")
    description = Text(default="")
    builtin = Boolean(default=False)
    # An administrator changed this builtin role's grants: the sync step then
    # only adds defaults for permissions it has never seen (``known``).
    edited = Boolean(default=False)
    known = JSONB(default=[])  # permission names the last sync considered
    created_at = Timestamptz(default=TimestamptzNow())


class RoleGrant(Table, tablename="core_role_grant"):
    id = UUID(primary_key=True, default=new_id)
    role = ForeignKey(Role, on_delete=OnDelete.cascade, index=True, null=False)
    permission = Varchar(length=120)
    scope = Varchar(length=16)  # none, own, team, department, all


class RoleFieldRule(Table, tablename="core_role_field_rule"):
    id = UUID(primary_key=True, default=new_id)
    role = ForeignKey(Role, on_delete=OnDelete.cascade, index=True, null=False)
    entity = Varchar(length=80)  # entity key, "contacts.client"
    field = Varchar(length=63)
    access = Varchar(length=16)  # "hidden" or "readonly"


class UserRole(Table, tablename="core_user_role"):
    id = UUID(primary_key=True, default=new_id)
    user = ForeignKey(User, on_delete=OnDelete.cascade, index=True, null=False)
    role = ForeignKey(Role, on_delete=OnDelete.cascade, index=True, null=False)

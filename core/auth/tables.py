"""Core's identity tables: users, teams, the department tree, sessions, API
tokens, login attempts and security events. Roles live in
``core/permissions/tables.py``.

Secrets are never stored: a session row's id is the SHA-256 of the cookie's
random token, an API token row keeps the SHA-256 of the token's secret part.
Times are UTC (``Timestamptz``).
"""

from piccolo.columns import (
    JSONB,
    UUID,
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.entities.base import new_id


class Department(Table, tablename="core_department"):
    """A node of the department tree.

    ``path`` is the materialized path: the 32-hex-digit ids from the root down
    to this node, concatenated. A subtree is one prefix query on the indexed
    path (``path LIKE '<prefix>%'`` on PostgreSQL with a ``varchar_pattern_ops``
    index, a ``>= / <`` range on SQLite); see ``core.auth.org``.
    """

    id = UUID(primary_key=True, default=new_id)
    name = Varchar(length=200)
    parent = ForeignKey("self", null=True, default=None, on_delete=OnDelete.restrict)
    path = Varchar(length=2048, index=True, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class User(Table, tablename="core_user"):
    id = UUID(primary_key=True, default=new_id)
    email = Varchar(length=254, unique=True)
    name = Varchar(length=200, default="")
    password_hash = Varchar(length=255)
    # Set for the administrator created at init. Authorization never reads it:
    # what a user may do comes from their roles only.
    is_admin = Boolean(default=False)
    is_active = Boolean(default=True)
    language = Varchar(length=8, default="")  # "en", "ru", or "" (not chosen: negotiated per request)
    # An IANA zone ("Asia/Vladivostok") times are shown and typed in; "" = the instance's setting.
    timezone = Varchar(length=64, default="")
    # The "my day" page as this user arranged it (core.dashboard.layout); "" = as shipped.
    home_layout = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    last_login_at = Timestamptz(null=True, default=None)
    department = ForeignKey(Department, null=True, default=None, on_delete=OnDelete.set_null, index=True)
    deactivated_at = Timestamptz(null=True, default=None)
    # A password an administrator typed or generated: the user must replace it.
    must_change_password = Boolean(default=False)


class Team(Table, tablename="core_team"):
    id = UUID(primary_key=True, default=new_id)
    name = Varchar(length=200, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())


class TeamMember(Table, tablename="core_team_member"):
    id = UUID(primary_key=True, default=new_id)
    team = ForeignKey(Team, on_delete=OnDelete.cascade, index=True, null=False)
    user = ForeignKey(User, on_delete=OnDelete.cascade, index=True, null=False)


class Session(Table, tablename="core_session"):
    """A server-side session. ``id`` = SHA-256 (hex) of the cookie's token."""

    id = Varchar(length=64, primary_key=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, index=True, null=False)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(index=True)  # absolute end, whatever the activity
    last_seen_at = Timestamptz(default=TimestamptzNow())  # idle end = last_seen_at + idle timeout
    ip = Varchar(length=64, default="")
    user_agent = Varchar(length=300, default="")
    csrf_token = Varchar(length=64)


class ApiToken(Table, tablename="core_api_token"):
    """``kl_<prefix>_<secret>``: looked up by ``prefix``, checked against ``secret_hash``."""

    id = UUID(primary_key=True, default=new_id)
    user = ForeignKey(User, on_delete=OnDelete.cascade, index=True, null=False)
    name = Varchar(length=100)
    prefix = Varchar(length=16, unique=True)
    secret_hash = Varchar(length=64)
    # A JSON list of permission names narrowing the user's own; null = all of them.
    permissions = JSONB(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    last_used_at = Timestamptz(null=True, default=None)
    expires_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class LoginAttempt(Table, tablename="core_login_attempt"):
    """Every sign-in attempt; the throttle reads it (shared by all app workers).

    ``device`` is the known-device id when the client presented a valid
    known-device cookie for this account, else "". ``throttled`` marks an
    attempt refused before the password was checked.
    """

    id = UUID(primary_key=True, default=new_id)
    email = Varchar(length=254, index=True)
    ip = Varchar(length=64, index=True, default="")
    device = Varchar(length=64, default="")
    at = Timestamptz(default=TimestamptzNow(), index=True)
    success = Boolean(default=False)
    throttled = Boolean(default=False)


class LoginCounter(Table, tablename="core_login_counter"):
    """The login throttle's running counts, one row per rule and key
    (``account:<email>``, ``address:<ip>``, ``device:<email>:<device id>``).

    Each attempt updates its rows with one atomic UPSERT ... RETURNING
    (``core.auth.throttle.admit``), so every app worker and process sees the
    attempts before it. ``failures`` counts attempts since the count last
    started (a success, or a quiet window); ``last_at`` is the latest attempt,
    ``previous_at`` the one before it.
    """

    key = Varchar(length=400, primary_key=True)
    failures = Integer(default=0)
    last_at = Timestamptz(null=True, default=None)
    previous_at = Timestamptz(null=True, default=None)


class SecurityEvent(Table, tablename="core_security_event"):
    """Security events (S12): who, what, when (UTC), from where.

    ``kind``: login, login_failed, logout, authorization_failed, export,
    role_changed, user_deactivated, token_created, token_revoked (and a few
    more written by core's admin screens). ``actor_id`` is the user acting
    (none for a failed login), ``email`` the account concerned.
    """

    id = UUID(primary_key=True, default=new_id)
    kind = Varchar(length=32, index=True)
    actor_id = UUID(null=True, default=None, index=True)
    email = Varchar(length=254, default="")
    ip = Varchar(length=64, default="")
    user_agent = Varchar(length=300, default="")
    at = Timestamptz(default=TimestamptzNow(), index=True)
    detail = JSONB(default={})

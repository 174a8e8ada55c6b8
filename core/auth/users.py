"""Users: creation (with the edition's seat limit), roles, teams, department,
deactivation and passwords. Used by the admin screens, the CLI and init.

The seat limit counts active users. Creating or re-activating a user beyond
the edition's ``max_users`` fails with a message saying so; the count and
the write happen under one lock (an IMMEDIATE transaction on SQLite, an
advisory transaction lock on PostgreSQL), so two administrators cannot both
take the last seat.
"""

from __future__ import annotations

import secrets
import string
from contextlib import asynccontextmanager
from uuid import UUID

from email_validator import EmailNotValidError, validate_email
from piccolo.engine.sqlite import TransactionType

from core.auth import events, sessions
from core.auth.common import fetch, on_postgres, utcnow
from core.auth.passwords import hash_password_async
from core.auth.tables import Department, TeamMember, User
from core.auth.tokens import revoke_user_tokens
from core.db.engine import get_engine
from core.permissions.roles import ADMINISTRATOR
from core.permissions.tables import Role, UserRole

SEAT_LOCK = 7_302_001  # pg_advisory_xact_lock key for seat counting


class UserError(ValueError):
    pass


def normalize_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise UserError(f"{email!r} is not a valid email address: {exc}") from None


def generate_password() -> str:
    """A temporary password: 16 characters, letters and digits (no look-alikes)."""
    alphabet = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")
    return "".join(secrets.choice(alphabet) for _ in range(16))


@asynccontextmanager
async def _seat_transaction():
    engine = get_engine()
    if on_postgres():
        async with engine.transaction():
            await fetch("SELECT pg_advisory_xact_lock({})", SEAT_LOCK)
            yield
    else:
        async with engine.transaction(transaction_type=TransactionType.immediate):
            yield


async def active_count() -> int:
    return await User.count().where(User.is_active == True)  # noqa: E712


async def _check_seat(max_users: int | None) -> None:
    if max_users is None:
        return
    active = await active_count()
    if active >= max_users:
        raise UserError(
            f"the edition allows {max_users} user(s); {active} already exist and are active. "
            "Deactivate a user first, or move to an edition with more seats."
        )


async def role_ids(keys: list[str]) -> dict[str, UUID]:
    if not keys:
        return {}
    rows = await Role.select(Role.id, Role.key).where(Role.key.is_in(list(keys)))
    found = {r["key"]: r["id"] for r in rows}
    missing = sorted(set(keys) - set(found))
    if missing:
        raise UserError(f"unknown role(s): {', '.join(missing)}")
    return found


async def create_user(
    email: str,
    *,
    name: str = "",
    password: str | None = None,
    roles: list[str] = (),
    max_users: int | None = None,
    must_change_password: bool = False,
    is_admin: bool = False,
    department: UUID | None = None,
    request=None,
) -> tuple[User, str]:
    """Create a user; returns (user, password). Without ``password`` a temporary one is generated."""
    email = normalize_email(email)
    if password is None:
        password, must_change_password = generate_password(), True
    password_hash = await hash_password_async(password)  # raises WeakPassword before anything is written
    ids = await role_ids(list(roles))
    async with _seat_transaction():
        if await User.exists().where(User.email == email):
            raise UserError(f"a user with the email {email} already exists")
        await _check_seat(max_users)
        user = User(
            email=email, name=name.strip() or email.split("@")[0], password_hash=password_hash,
            is_admin=is_admin, must_change_password=must_change_password, department=department,
        )
        await user.save()
        if ids:
            await UserRole.insert(*[UserRole(user=user.id, role=rid) for rid in ids.values()])
    await events.record("user_created", request=request, email=email, detail={"roles": sorted(ids)})
    if ids:
        await events.record("role_changed", request=request, email=email, detail={"added": sorted(ids), "removed": []})
    return user, password


async def get_user(user_id: UUID) -> User | None:
    return await User.objects().where(User.id == user_id).first()


async def user_by_email(email: str) -> User | None:
    return await User.objects().where(User.email == email.strip().lower()).first()


async def roles_of(user_id: UUID) -> list[str]:
    rows = await UserRole.select(UserRole.role.key).where(UserRole.user == user_id)
    return sorted(r["role.key"] for r in rows)


async def _other_active_admins(user_id: UUID) -> int:
    rows = await fetch(
        'SELECT count(*) AS n FROM core_user_role ur JOIN core_role r ON r.id = ur.role JOIN core_user u ON u.id = ur."user" '
        "WHERE r.key = {} AND u.is_active = {} AND u.id <> {}",
        ADMINISTRATOR, True, user_id,
    )
    return int(rows[0]["n"])


async def set_roles(user_id: UUID, keys: list[str], *, request=None) -> tuple[list[str], list[str]]:
    """Replace a user's roles; returns (added, removed). One ``role_changed`` event when something changed."""
    user = await get_user(user_id)
    if user is None:
        raise UserError("no such user")
    ids = await role_ids(sorted(set(keys)))
    before = await roles_of(user_id)
    added, removed = sorted(set(ids) - set(before)), sorted(set(before) - set(ids))
    if ADMINISTRATOR in removed and user.is_active and not await _other_active_admins(user_id):
        raise UserError("this is the last active administrator: give another user the administrator role first")
    if not added and not removed:
        return [], []
    async with get_engine().transaction():
        await UserRole.delete().where(UserRole.user == user_id)
        if ids:
            await UserRole.insert(*[UserRole(user=user_id, role=rid) for rid in ids.values()])
    await events.record("role_changed", request=request, email=user.email, detail={"added": added, "removed": removed})
    return added, removed


async def set_teams(user_id: UUID, team_ids: list[UUID]) -> None:
    async with get_engine().transaction():
        await TeamMember.delete().where(TeamMember.user == user_id)
        if team_ids:
            await TeamMember.insert(*[TeamMember(team=t, user=user_id) for t in dict.fromkeys(team_ids)])


async def set_department(user_id: UUID, department_id: UUID | None) -> None:
    if department_id is not None and not await Department.exists().where(Department.id == department_id):
        raise UserError("no such department")
    await User.update({User.department: department_id}).where(User.id == user_id)


async def deactivate_user(user_id: UUID, *, request=None) -> int:
    """Deactivate; every session of the user ends and every API token is revoked.
    Returns how many sessions ended.

    Deactivation ends credentials for good: a reactivated user gets no old
    token back. ``deactivated_at`` keeps the time of the last deactivation
    (also after a reactivation), and any other credential issued before it —
    a plugin's feed URL, say — is refused (:func:`core.auth.principals.principal_for_user`).
    """
    user = await get_user(user_id)
    if user is None:
        raise UserError("no such user")
    if not user.is_active:
        return 0
    if ADMINISTRATOR in await roles_of(user_id) and not await _other_active_admins(user_id):
        raise UserError("this is the last active administrator: it cannot be deactivated")
    async with get_engine().transaction():
        await User.update({User.is_active: False, User.deactivated_at: utcnow()}).where(User.id == user_id)
        ended = await sessions.end_user_sessions(user_id)
        revoked = await revoke_user_tokens(user_id)
    await events.record("user_deactivated", request=request, email=user.email, detail={"sessions_ended": ended, "tokens_revoked": revoked})
    return ended


async def reactivate_user(user_id: UUID, *, max_users: int | None = None, request=None) -> None:
    user = await get_user(user_id)
    if user is None:
        raise UserError("no such user")
    if user.is_active:
        return
    async with _seat_transaction():
        await _check_seat(max_users)
        # deactivated_at stays: credentials issued before it remain void (see deactivate_user).
        await User.update({User.is_active: True}).where(User.id == user_id)
    await events.record("user_reactivated", request=request, email=user.email)


async def reset_password(user_id: UUID, *, request=None) -> str:
    """A new temporary password (shown once); the user's sessions end."""
    user = await get_user(user_id)
    if user is None:
        raise UserError("no such user")
    password = generate_password()
    password_hash = await hash_password_async(password)
    async with get_engine().transaction():
        await User.update({User.password_hash: password_hash, User.must_change_password: True}).where(User.id == user_id)
        await sessions.end_user_sessions(user_id)
        # A token would otherwise go on acting as the user, past the forced change.
        revoked = await revoke_user_tokens(user_id)
    await events.record(
        "password_changed", request=request, email=user.email, detail={"reset_by_administrator": True, "tokens_revoked": revoked}
    )
    return password


async def change_password(user_id: UUID, new_password: str, *, keep_session: str | None = None, request=None) -> None:
    """The user's own change: other sessions end, this one stays."""
    user = await get_user(user_id)
    password_hash = await hash_password_async(new_password)
    await User.update({User.password_hash: password_hash, User.must_change_password: False}).where(User.id == user_id)
    await sessions.end_user_sessions(user_id, keep=keep_session)
    await events.record("password_changed", request=request, email=user.email if user else "")


async def ensure_admin(email: str, password: str, max_users: int | None = None) -> tuple[User, bool]:
    """Create the administrator (with the administrator role), or return the existing user.

    Returns (user, created). An existing user's password is left alone (init
    may be re-run), but they are given the administrator role if missing.
    """
    email = normalize_email(email)
    existing = await User.objects().where(User.email == email).first()
    if existing is not None:
        if ADMINISTRATOR not in await roles_of(existing.id):
            ids = await role_ids([ADMINISTRATOR])
            await UserRole.insert(UserRole(user=existing.id, role=ids[ADMINISTRATOR]))
        return existing, False
    user, _ = await create_user(
        email, name="Administrator", password=password, roles=[ADMINISTRATOR], max_users=max_users, is_admin=True
    )
    return user, True

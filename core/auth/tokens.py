"""API tokens: ``kl_<prefix>_<secret>``, sent as ``Authorization: Bearer ...``.

Only the SHA-256 of the secret is stored (the secret is 32 random bytes, so
a fast hash is enough); the prefix finds the row. The full token is shown
once, when created. A token acts as its user, narrowed to ``permissions``
when given (a list of permission names; null = everything the user may do,
as the user's roles say at each request). It stops working when revoked,
when it expires, or when its user is deactivated. Deactivating a user and an
administrator's password reset revoke all the user's tokens
(:func:`revoke_user_tokens`): a reactivation or the forced password change
never brings one back.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from uuid import UUID

from core.auth import events
from core.auth.common import sha256_hex, utcnow
from core.auth.principals import TOKEN_PREFIX
from core.auth.tables import ApiToken, User


class TokenError(ValueError):
    pass


def _new_parts() -> tuple[str, str]:
    return secrets.token_hex(6), secrets.token_urlsafe(32)


async def create_token(
    user_id: UUID,
    name: str,
    *,
    permissions: list[str] | None = None,
    expires_in_days: int | None = None,
    known_permissions: set[str] | None = None,
    request=None,
) -> tuple[ApiToken, str]:
    """Returns (row, full token). ``known_permissions`` (if given) validates ``permissions``."""
    name = name.strip()
    if not name:
        raise TokenError("give the token a name (what will use it?)")
    user = await User.objects().where(User.id == user_id).first()
    if user is None or not user.is_active:
        raise TokenError("no such active user")
    if permissions is not None:
        permissions = sorted(set(permissions))
        if not permissions:
            raise TokenError("choose at least one permission, or none to allow everything the user may do")
        if known_permissions is not None:
            unknown = [p for p in permissions if p not in known_permissions]
            if unknown:
                raise TokenError(f"unknown permission(s): {', '.join(unknown)}")
    expires_at: datetime | None = None
    if expires_in_days is not None:
        if expires_in_days < 1:
            raise TokenError("a token lives at least one day")
        expires_at = utcnow() + timedelta(days=expires_in_days)
    prefix, secret = _new_parts()
    row = ApiToken(
        user=user_id, name=name[:100], prefix=prefix, secret_hash=sha256_hex(secret),
        permissions=permissions, created_at=utcnow(), expires_at=expires_at,
    )
    await row.save()
    await events.record(
        "token_created", request=request, email=user.email,
        detail={"token": str(row.id), "name": row.name, "prefix": prefix, "permissions": permissions},
    )
    return row, f"{TOKEN_PREFIX}_{prefix}_{secret}"


async def list_tokens(user_id: UUID | None = None) -> list[dict]:
    query = ApiToken.select(
        ApiToken.id, ApiToken.name, ApiToken.prefix, ApiToken.permissions, ApiToken.created_at,
        ApiToken.last_used_at, ApiToken.expires_at, ApiToken.revoked_at, ApiToken.user, ApiToken.user.email,
    ).order_by(ApiToken.created_at, ascending=False)
    if user_id is not None:
        query = query.where(ApiToken.user == user_id)
    rows = await query.output(load_json=True)
    now = utcnow()
    for r in rows:
        r["state"] = "revoked" if r["revoked_at"] else "expired" if r["expires_at"] and r["expires_at"] <= now else "active"
    return rows


async def revoke_token(token_id: UUID, *, owner: UUID | None = None, request=None) -> bool:
    """Revoke; with ``owner`` only that user's token. False when there is no such live token."""
    where = (ApiToken.id == token_id) & ApiToken.revoked_at.is_null()
    if owner is not None:
        where = where & (ApiToken.user == owner)
    row = await ApiToken.select(ApiToken.id, ApiToken.name, ApiToken.prefix, ApiToken.user.email).where(where).first()
    if row is None:
        return False
    await ApiToken.update({ApiToken.revoked_at: utcnow()}).where(ApiToken.id == token_id)
    await events.record(
        "token_revoked", request=request, email=row["user.email"],
        detail={"token": str(token_id), "name": row["name"], "prefix": row["prefix"]},
    )
    return True


async def revoke_user_tokens(user_id: UUID) -> int:
    """Revoke every live token of a user (deactivation, an administrator's password reset).
    Returns how many; the caller records the event that says why."""
    live = (ApiToken.user == user_id) & ApiToken.revoked_at.is_null()
    count = await ApiToken.count().where(live)
    if count:
        await ApiToken.update({ApiToken.revoked_at: utcnow()}).where(live)
    return count

"""The known-device cookie: proof that this browser signed in to an account before.

Set at every successful login: ``v1.<user id hex>.<device id>.<hmac>``, the
HMAC-SHA256 made with a key derived from ``settings.secret_key``. It grants
nothing by itself (it is not a session); the login throttle uses it to tell
the real user's browser from an attacker's (``core.auth.throttle``). With an
empty ``secret_key`` no key is derived: no cookie is issued or trusted.

Path ``/login`` only (no other request carries it), HttpOnly, SameSite=Lax,
Secure like the session cookie, one year.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from uuid import UUID

from litestar.datastructures import Cookie

DEVICE_COOKIE = "klientela_device"
MAX_AGE = 365 * 24 * 3600


def _key(settings) -> bytes | None:
    if not settings.secret_key:
        return None
    return hmac.new(settings.secret_key.encode(), b"klientela/known-device/v1", hashlib.sha256).digest()


def new_device_id() -> str:
    return secrets.token_hex(16)


def _sign(key: bytes, payload: str) -> str:
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def device_for(settings, cookie: str | None, user_id: UUID | None) -> str:
    """The device id if ``cookie`` is a valid known-device cookie of ``user_id``, else ""."""
    key = _key(settings)
    if key is None or not cookie or user_id is None:
        return ""
    parts = cookie.split(".")
    if len(parts) != 4 or parts[0] != "v1" or parts[1] != user_id.hex:
        return ""
    if not hmac.compare_digest(_sign(key, ".".join(parts[:3])), parts[3]):
        return ""
    return parts[2]


def device_cookie(settings, user_id: UUID, device_id: str) -> Cookie | None:
    key = _key(settings)
    if key is None:
        return None
    payload = f"v1.{user_id.hex}.{device_id}"
    return Cookie(
        key=DEVICE_COOKIE,
        value=f"{payload}.{_sign(key, payload)}",
        max_age=MAX_AGE,
        path="/login",
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
    )

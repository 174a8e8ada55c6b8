"""Security events (S12): one row per login, failed login, logout, failed
authorization, export, role change, deactivation, token creation or revocation.

Each row says who (``actor_id``, ``email``), what (``kind``, ``detail``),
when (``at``, UTC) and from where (``ip``, ``user_agent``). Other parts of
core and plugins call :func:`record` (e.g. ``record("export", request=...,
detail={"entity": ..., "rows": n})``).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from core.auth.common import utcnow
from core.auth.tables import SecurityEvent
from core.permissions.principal import Principal

KINDS = (
    "login",
    "login_failed",
    "logout",
    "authorization_failed",
    "export",
    "role_changed",
    "user_created",
    "user_deactivated",
    "user_reactivated",
    "user_changed",
    "password_changed",
    "token_created",
    "token_revoked",
)


async def record(
    kind: str,
    *,
    request=None,
    principal: Principal | None = None,
    actor_id: UUID | None = None,
    email: str = "",
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown security event kind {kind!r}")
    user_agent = ""
    if request is not None:
        if principal is None:
            principal = request.scope.get("state", {}).get("principal")
        if ip is None:
            ip = request.scope.get("state", {}).get("client_ip")
            if ip is None:
                client = request.scope.get("client")
                ip = client[0] if client else ""
        user_agent = request.headers.get("user-agent", "")[:300]
    if principal is not None and principal.is_authenticated:
        actor_id = actor_id or principal.user_id
        email = email or principal.email
        if ip is None:
            ip = principal.ip
    detail = dict(detail or {})
    if principal is not None and principal.is_authenticated:
        detail.setdefault("via", principal.via)
    elif request is None:
        detail.setdefault("via", "local")  # the command line or a script on the server
    await SecurityEvent.insert(
        SecurityEvent(
            kind=kind,
            actor_id=actor_id,
            email=email[:254],
            ip=(ip or "")[:64],
            user_agent=user_agent,
            at=utcnow(),
            detail=detail,
        )
    )

"""Small helpers the auth layer shares: time, hashing, raw SQL, the client address."""

from __future__ import annotations

import hashlib
import ipaddress
import uuid
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from piccolo.querystring import QueryString

from core.db.engine import engine_kind, get_engine


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def as_uuid(value: Any) -> uuid.UUID | None:
    if value is None or value == "":
        return None
    return value if type(value) is uuid.UUID else uuid.UUID(str(value))


def as_datetime(value: Any) -> datetime | None:
    """Aggregates (``max(at)``) come back as text on SQLite."""
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


async def fetch(sql: str, *args: Any) -> list[dict]:
    """Run one raw query (``{}`` placeholders) on the app's engine, rows as dicts."""
    rows = await get_engine().run_querystring(QueryString(sql, *args))
    return [dict(r) for r in rows or []]


def on_postgres() -> bool:
    return engine_kind(get_engine()) == "postgres"


# -- the client address ----------------------------------------------------------


@lru_cache(maxsize=32)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _trusted(address: str, networks: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_address(scope, settings) -> str:
    """Where a request comes from.

    The TCP peer, unless the peer is a trusted proxy (``trusted_proxies``;
    none by default): then the right-most address of ``X-Forwarded-For`` that
    is not itself a trusted proxy. A client can put anything in that header,
    so an untrusted peer's header is ignored.
    """
    client = scope.get("client")
    peer = client[0] if client else ""
    if not settings.trusted_proxies:
        return peer
    networks = _networks(tuple(settings.trusted_proxies))
    if not _trusted(peer, networks):
        return peer
    forwarded = ""
    for name, value in scope.get("headers", ()):
        if name == b"x-forwarded-for":
            forwarded = f"{forwarded},{value.decode('latin-1')}" if forwarded else value.decode("latin-1")
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            return hop[:64]
    return hops[0][:64] if hops else peer

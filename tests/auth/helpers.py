"""What the auth tests share: raw sign-in attempts from chosen addresses, rows, events, cookies."""

from __future__ import annotations

import json
import re
from datetime import datetime
from http.cookies import SimpleCookie

import httpx

from core.auth.common import fetch
from core.auth.sessions import SESSION_COOKIE
from core.testing.clients import BASE_URL

LOGIN_CSRF = re.compile(r'name="_csrf" value="([^"]*)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]*)">')


def peer(app, ip: str, port: int = 40000) -> httpx.AsyncClient:
    """A client on an app already started (inside ``serving``) whose TCP peer is ``ip``."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(ip, port)), base_url=BASE_URL)


async def attempt(client: httpx.AsyncClient, email: str, password: str, next_: str | None = None) -> httpx.Response:
    """One submission of the real login form (GET for its CSRF token, then POST)."""
    form = await client.get("/login")
    token = LOGIN_CSRF.search(form.text).group(1)
    data = {"email": email, "password": password, "_csrf": token}
    if next_ is not None:
        data["next"] = next_
    return await client.post("/login", data=data)


async def page_csrf(client: httpx.AsyncClient) -> str:
    page = await client.get("/account/password")
    return CSRF_META.search(page.text).group(1)


def set_cookies(response: httpx.Response) -> dict[str, dict]:
    """Set-Cookie headers parsed: name -> {"value", and lower-case attribute names}."""
    out = {}
    for header in response.headers.get_list("set-cookie"):
        parsed = SimpleCookie()
        parsed.load(header)
        for name, morsel in parsed.items():
            attrs = {k.lower(): v for k, v in morsel.items() if v}
            # SimpleCookie keeps flags as True; keep their presence visible in the raw header too.
            attrs["raw"] = header
            out[name] = {"value": morsel.value, **attrs}
    return out


async def user_sessions(user_id) -> list[dict]:
    return await fetch('SELECT * FROM core_session WHERE "user" = {}', user_id)


async def events(kind: str, email: str = "", since: datetime | None = None) -> list[dict]:
    sql, args = "SELECT * FROM core_security_event WHERE kind = {}", [kind]
    if email:
        sql += " AND email = {}"
        args.append(email)
    if since is not None:
        sql += " AND at >= {}"
        args.append(since)
    return await fetch(sql + " ORDER BY at", *args)


def detail(event: dict) -> dict:
    """An event's ``detail`` (JSON text on SQLite, maybe text on PostgreSQL too)."""
    value = event["detail"]
    return json.loads(value) if isinstance(value, str) else value


def session_cookie(client: httpx.AsyncClient) -> str | None:
    values = [c.value for c in client.cookies.jar if c.name == SESSION_COOKIE]
    assert len(values) <= 1, values
    return values[0] if values else None


def plant(client: httpx.AsyncClient, value: str) -> None:
    """Put ``value`` in the client's session cookie, as an attacker would in a victim's browser."""
    for c in [c for c in client.cookies.jar if c.name == SESSION_COOKIE]:
        client.cookies.jar.clear(c.domain, c.path, c.name)
    # The jar files a dotless host under "<host>.local" (RFC 2965); match it so the value is sent.
    client.cookies.set(SESSION_COOKIE, value, domain="testserver.local", path="/")


_SELECT = re.compile(r'<select name="(grant\.[^"]+)"[^>]*>(.*?)</select>', re.S)
_SELECTED = re.compile(r'<option value="([^"]+)" selected>')


async def role_form(client: httpx.AsyncClient, key: str) -> dict[str, str]:
    """The role page's grant matrix as a browser would submit it (every select's selected option)."""
    page = await client.get(f"/admin/roles/{key}")
    assert page.status_code == 200, page.status_code
    form = {}
    for name, options in _SELECT.findall(page.text):
        chosen = _SELECTED.search(options)
        form[name] = chosen.group(1) if chosen else "none"
    assert form, "the role page shows no grant matrix"
    return form


SECRET = re.compile(r"\bkl_[0-9a-f]{12}_[A-Za-z0-9_-]{40,}")

"""Principals kept per session and per token (core.auth.principal_cache) and the stamp
that retires them (core.auth.stamp): with the cache on, every change of a user, their
roles, grants, field rules, teams, department, sessions or tokens holds on the very next
request. The administrator acts through another app than the user's (another worker,
with its own cache); tests/auth/test_principal_cache_processes.py does it across two
real processes."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest

from core.auth import org
from core.auth.common import fetch, utcnow
from core.auth.middleware import AuthMiddleware
from core.auth.principal_cache import Entry, PrincipalCache
from core.auth.tokens import create_token
from core.auth.users import set_department, set_roles, user_by_email
from core.auth.principals import principal_for_user
from core.permissions.gate import Gate
from core.permissions.principal import ANONYMOUS
from core.testing.clients import BASE_URL
from core.testing.fixtures import ADMIN_EMAIL, USER_PASSWORD, custom_role, serving
from tests.auth.helpers import role_form, session_cookie

READ = "contacts.client.read"


def cache_of(app) -> PrincipalCache:
    [middleware] = [m for m in app.middleware if isinstance(m, AuthMiddleware)]
    return middleware.principals


def bearer(app, token: str) -> httpx.AsyncClient:
    """A client of an app already started, sending an API token."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL, headers={"Authorization": f"Bearer {token}"})


async def scope_seen(client: httpx.AsyncClient) -> str:
    response = await client.get("/api/auth/me")
    assert response.status_code == 200, response.status_code
    return response.json()["scopes"].get(READ, "none")


async def kept(app, *clients: httpx.AsyncClient) -> None:
    """Each client's principal is served from the cache (a request that rebuilt nothing)."""
    cache = cache_of(app)
    for client in clients:
        await client.get("/api/auth/me")
        hits, misses = cache.hits, cache.misses
        assert (await client.get("/api/auth/me")).status_code == 200
        assert (cache.hits, cache.misses) == (hits + 1, misses), "the principal was rebuilt: the cache is not in use"


async def a_client_owned_by(app, owner_id, **values) -> str:
    admin = await user_by_email(ADMIN_EMAIL)
    gate = Gate(app.state.kernel, app.state.kernel.entities["contacts.client"], await principal_for_user(admin.id, via="system"))
    return str((await gate.create({"name": f"Kept {uuid.uuid4().hex[:6]}", "owner_id": str(owner_id), **values}))["id"])


@pytest.fixture
async def member(make_user):
    """A user with a role of their own (clients: read all) and an API token."""
    role = await custom_role({READ: "all"})
    user = await make_user()
    await set_roles(user.id, [role.key])
    token_row, token = await create_token(user.id, "cache test")
    return user, role, token_row, token


async def test_grants_field_rules_and_roles_hold_on_the_next_request_of_a_kept_session_and_token(client, app_factory, member):
    user, role, _, token = member
    app = app_factory()
    record = await a_client_owned_by(app, user.id, phone="+79001112233")
    async with serving(app, login=(user.email, USER_PASSWORD)) as session:
        async with bearer(app, token) as api:
            await kept(app, session, api)
            assert await scope_seen(session) == await scope_seen(api) == "all"

            form = await role_form(client, role.key)
            assert (await client.post(f"/admin/roles/{role.key}", data={**form, f"grant.{READ}": "own"})).status_code == 303
            assert await scope_seen(session) == "own"
            assert await scope_seen(api) == "own"

            # A field rule: the very next read hides the field.
            assert (await session.get(f"/api/contacts/client/{record}")).json()["phone"] == "+79001112233"
            added = await client.post(f"/admin/roles/{role.key}/fields", data={"entity": "contacts.client", "field": "phone", "access": "hidden"})
            assert added.status_code == 303
            assert "phone" not in (await session.get(f"/api/contacts/client/{record}")).json()
            assert "phone" not in (await api.get(f"/api/contacts/client/{record}")).json()

            # The user's roles: taking the role away takes the grant away.
            await kept(app, session, api)
            assert (await client.post(f"/admin/users/{user.id}/roles", data={"roles": ["read_only"]})).status_code == 303
            assert await scope_seen(session) == await scope_seen(api) == "all"  # read_only reads everything
            assert (await session.get(f"/api/contacts/client/{record}")).json()["phone"] == "+79001112233"
            assert (await client.post(f"/admin/users/{user.id}/roles", data={"roles": []})).status_code == 303
            assert (await session.get("/api/auth/me")).json()["permissions"] == []
            assert (await api.get(f"/api/contacts/client/{record}")).status_code == 404


@pytest.mark.parametrize("scope", ["team", "department"])
async def test_a_team_or_department_change_widens_and_narrows_scope_on_the_next_request(client, app_factory, make_user, scope):
    role = await custom_role({READ: scope})
    user = await make_user(department=f"Kept dept {uuid.uuid4().hex[:6]}")
    await set_roles(user.id, [role.key])
    team = await org.create_team(f"Kept team {uuid.uuid4().hex[:6]}")
    await org.add_member(team.id, user.id)
    colleague = await make_user()
    if scope == "team":  # through the admin screen, served by another app
        join = lambda: client.post(f"/admin/teams/{team.id}/members", data={"user": str(colleague.id)})  # noqa: E731
        leave = lambda: client.post(f"/admin/teams/{team.id}/members/{colleague.id}/remove")  # noqa: E731
    else:
        join = lambda: set_department(colleague.id, user.department)  # noqa: E731
        leave = lambda: set_department(colleague.id, None)  # noqa: E731
    app = app_factory()
    record = await a_client_owned_by(app, colleague.id)
    async with serving(app, login=(user.email, USER_PASSWORD)) as session:
        assert (await session.get(f"/api/contacts/client/{record}")).status_code == 404
        await kept(app, session)
        await join()
        assert (await session.get(f"/api/contacts/client/{record}")).status_code == 200
        await kept(app, session)
        await leave()
        assert (await session.get(f"/api/contacts/client/{record}")).status_code == 404


@pytest.mark.parametrize("action, answer", [("deactivate", 303), ("password", 200)], ids=["deactivation", "password reset"])
async def test_deactivation_and_a_password_reset_end_a_kept_session_and_token_on_the_next_request(client, app_factory, member, action, answer):
    user, _, _, token = member
    app = app_factory()
    async with serving(app, login=(user.email, USER_PASSWORD)) as session:
        async with bearer(app, token) as api:
            await kept(app, session, api)
            assert (await client.post(f"/admin/users/{user.id}/{action}")).status_code == answer
            assert (await session.get("/api/auth/me")).status_code == 401
            assert (await api.get("/api/auth/me")).status_code == 401


async def test_a_revoked_token_fails_on_the_next_request_and_the_others_keep_working(client, app_factory, member):
    user, _, token_row, token = member
    _, other = await create_token(user.id, "another")
    app = app_factory()
    async with serving(app):
        async with bearer(app, token) as api, bearer(app, other) as second:
            await kept(app, api, second)
            assert (await client.post(f"/admin/users/{user.id}/tokens/{token_row.id}/revoke")).status_code == 303
            assert (await api.get("/api/auth/me")).status_code == 401
            assert (await second.get("/api/auth/me")).status_code == 200
            # A kept token is checked against its secret on every request.
            prefix = token.split("_")[1]
            assert (await bearer(app, f"kl_{prefix}_wrong-secret").get("/api/auth/me")).status_code == 401


async def test_a_session_another_worker_kept_alive_is_not_taken_for_idle(app_factory, make_user, monkeypatch):
    """Worker B keeps the row as of its last request; worker A records activity since.
    When B's copy looks idle, B reads the row again instead of ending the session."""
    user = await make_user()
    a, b = app_factory(session_idle_minutes=30), app_factory(session_idle_minutes=30)
    async with serving(a, login=(user.email, USER_PASSWORD)) as on_a, serving(b) as on_b:
        on_b.cookies.set("klientela_session", session_cookie(on_a), domain="testserver.local", path="/")
        assert (await on_b.get("/api/auth/me")).status_code == 200  # B keeps the row: seen now
        start = utcnow()
        monkeypatch.setattr("core.auth.middleware.utcnow", lambda: start + timedelta(minutes=20))
        assert (await on_a.get("/api/auth/me")).status_code == 200  # A records activity at +20 min
        monkeypatch.setattr("core.auth.middleware.utcnow", lambda: start + timedelta(minutes=40))
        assert (await on_b.get("/api/auth/me")).status_code == 200  # idle since +20 only, not since B's copy
        monkeypatch.setattr("core.auth.middleware.utcnow", lambda: start + timedelta(minutes=75))
        assert (await on_b.get("/api/auth/me")).status_code == 401  # idle 35 min by the row too: over
        assert await fetch('SELECT id FROM core_session WHERE "user" = {}', user.id) == []


def test_a_principal_built_while_the_stamp_moved_is_not_kept_and_the_oldest_go_beyond_the_limit():
    cache = PrincipalCache(limit=2)
    assert cache._get("s1", 7) is None
    cache._put("s1", Entry(7, {}, ANONYMOUS))
    assert cache._get("s1", 7) is not None
    assert cache._get("s1", 8) is None  # the stamp moved: never used again
    cache._put("s2", Entry(7, {}, ANONYMOUS))  # built from rows read before the move: not kept
    assert cache._get("s2", 8) is None
    for key in ("s3", "s4", "s5"):
        cache._put(key, Entry(8, {}, ANONYMOUS))
    assert cache._get("s3", 8) is None and cache._get("s4", 8) is not None and cache._get("s5", 8) is not None

"""S9: sessions. A new session id at every login (a planted cookie is never
adopted), logout and deactivation end sessions, cookie attributes, idle and
absolute expiry, password change ends the other sessions."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from core.auth.common import fetch, utcnow
from core.auth.sessions import SESSION_COOKIE, new_token
from core.auth.tables import Session
from core.auth.tokens import create_token
from core.testing.clients import login
from core.testing.fixtures import ADMIN_EMAIL, SESSION_DB_URL, USER_PASSWORD, serving, unique_email
from core.testing.cli import Instance
from tests.auth.helpers import LOGIN_CSRF, attempt, page_csrf, plant, session_cookie, set_cookies, user_sessions


def sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


async def test_a_planted_session_cookie_is_never_adopted(app_factory, make_user):
    user = await make_user()
    app = app_factory()
    # Two planted values: arbitrary text, and one shaped exactly like a real token.
    for planted in ("attacker-chosen-session-id", new_token()):
        async with serving(app) as victim:
            plant(victim, planted)
            # The planted cookie alone grants nothing (and is cleared).
            me = await victim.get("/api/auth/me")
            assert me.status_code == 401
            plant(victim, planted)
            answer = await attempt(victim, user.email, USER_PASSWORD)
            assert answer.status_code == 303
            issued = set_cookies(answer)[SESSION_COOKIE]["value"]
            assert issued and issued != planted
            assert session_cookie(victim) == issued
            assert (await victim.get("/api/auth/me")).json()["email"] == user.email
        # No row answers to the planted value, hashed or raw.
        assert await Session.count().where(Session.id.is_in([planted, sha(planted)])) == 0
        # The table keeps only the SHA-256 of the issued token, never the token.
        rows = await user_sessions(user.id)
        assert [r["id"] for r in rows if r["id"] == sha(issued)] == [sha(issued)]
        assert not any(issued in str(value) for r in rows for value in r.values())
        # The attacker, holding the planted value, still gets nothing.
        async with serving(app) as attacker:
            plant(attacker, planted)
            assert (await attacker.get("/api/auth/me")).status_code == 401
            page = await attacker.get("/", headers={"accept": "text/html"})
            assert page.status_code == 303 and page.headers["location"].startswith("/login")


async def test_a_planted_live_session_is_replaced_at_login(app_factory, make_user):
    """Fixation with a *real* session: the attacker signs in and plants that cookie
    in the victim's browser, where the sign-in form is open; the victim's login
    deletes the planted session and issues a new one (the form carries only
    its own double-submit token, not the planted session's CSRF token)."""
    attacker_user, victim_user = await make_user(), await make_user()
    app = app_factory()
    async with serving(app, login=(attacker_user.email, USER_PASSWORD)) as attacker, serving(app) as victim:
        form = await victim.get("/login")
        token = LOGIN_CSRF.search(form.text).group(1)
        planted = session_cookie(attacker)
        plant(victim, planted)
        answer = await victim.post("/login", data={"email": victim_user.email, "password": USER_PASSWORD, "_csrf": token})
        assert answer.status_code == 303, answer.text
        assert session_cookie(victim) not in (None, planted)
        assert (await victim.get("/api/auth/me")).json()["email"] == victim_user.email
        assert (await attacker.get("/api/auth/me")).status_code == 401
    assert await user_sessions(attacker_user.id) == []


async def test_logging_in_again_replaces_the_session(app_factory, make_user):
    user = await make_user()
    async with serving(app_factory(), login=(user.email, USER_PASSWORD)) as client:
        first = session_cookie(client)
        first_csrf = client.headers.pop("X-CSRF-Token")
        # A signed-in browser is sent away from GET /login, so submit the form
        # directly: its double-submit pair is any value present in both the
        # cookie (path /login) and the field.
        client.cookies.set("klientela_login_csrf", "pair-0123456789", domain="testserver.local", path="/login")
        again = await client.post("/login", data={"email": user.email, "password": USER_PASSWORD, "_csrf": "pair-0123456789"})
        assert again.status_code == 303, again.text
        second = session_cookie(client)
        assert second not in (None, first)
        assert await page_csrf(client) != first_csrf  # a new CSRF token with the new session
        assert [r["id"] for r in await user_sessions(user.id)] == [sha(second)]
        assert (await client.get("/api/auth/me")).status_code == 200


async def test_a_stale_cookie_is_dropped_at_the_next_login(app_factory, make_user):
    user = await make_user()
    async with serving(app_factory(), login=(user.email, USER_PASSWORD)) as client:
        stale = session_cookie(client)
        await Session.update({Session.expires_at: utcnow() - timedelta(seconds=1)}).where(Session.id == sha(stale))
        await login(client, user.email, USER_PASSWORD)
        fresh = session_cookie(client)
        assert fresh not in (None, stale)
        assert [r["id"] for r in await user_sessions(user.id)] == [sha(fresh)]


async def test_session_cookie_attributes(anonymous, make_user):
    user = await make_user()
    answer = await attempt(anonymous, user.email, USER_PASSWORD)
    cookie = set_cookies(answer)[SESSION_COOKIE]
    raw = cookie["raw"].lower()
    assert "secure" in raw.split("; ") and "httponly" in raw.split("; ")
    assert cookie["samesite"].lower() == "lax"
    assert cookie["path"] == "/"
    assert 0 < int(cookie["max-age"]) <= 480 * 60  # the idle timeout (default 8 h)
    # The known-device and login-CSRF cookies are just as closed.
    for name in ("klientela_device",):
        raw = set_cookies(answer)[name]["raw"].lower().split("; ")
        assert "secure" in raw and "httponly" in raw and "samesite=lax" in raw and "path=/login" in raw


async def test_logout_deletes_the_session(app_factory, make_user):
    user = await make_user()
    app = app_factory()
    async with serving(app, login=(user.email, USER_PASSWORD)) as client:
        token = session_cookie(client)
        assert len(await user_sessions(user.id)) == 1
        out = await client.post("/logout")
        assert out.status_code == 303 and out.headers["location"] == "/login"
        assert set_cookies(out)[SESSION_COOKIE]["value"] == ""
        assert await user_sessions(user.id) == []
    # The old cookie, replayed, is nobody.
    async with serving(app) as replay:
        plant(replay, token)
        page = await replay.get("/admin/tokens", headers={"accept": "text/html"})
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
        plant(replay, token)
        assert (await replay.get("/api/auth/me")).status_code == 401


async def test_deactivation_in_the_admin_screen_ends_sessions_and_tokens(client, app_factory, make_user):
    user = await make_user(roles=["read_only"])
    _, secret = await create_token(user.id, "integration")
    app = app_factory()
    async with serving(app, login=(user.email, USER_PASSWORD)) as one, serving(app, login=(user.email, USER_PASSWORD)) as two:
        bearer = {"Authorization": f"Bearer {secret}"}
        async with serving(app) as api:
            assert (await api.get("/api/auth/me", headers=bearer)).status_code == 200
            assert len(await user_sessions(user.id)) == 2
            done = await client.post(f"/admin/users/{user.id}/deactivate")
            assert done.status_code == 303
            assert await user_sessions(user.id) == []
            for c in (one, two):
                assert (await c.get("/api/auth/me")).status_code == 401
            assert (await api.get("/api/auth/me", headers=bearer)).status_code == 401
        # And the password no longer opens a session.
        refused = await attempt(two, user.email, USER_PASSWORD)
        assert refused.status_code == 400 and "deactivated" in refused.text


async def test_deactivation_from_the_command_line_ends_sessions_and_tokens(app_factory, make_user, tmp_path):
    user = await make_user(roles=["read_only"])
    _, secret = await create_token(user.id, "integration")
    app = app_factory()
    async with serving(app, login=(user.email, USER_PASSWORD)) as browser:
        assert (await browser.get("/api/auth/me")).status_code == 200
        # The real command, on this test session's database.
        cli = Instance(data_dir=tmp_path / "data", database_url=SESSION_DB_URL)
        done = cli.run("user", "deactivate", user.email, check=True)
        assert f"user {user.email} deactivated; 1 session(s) ended" in done.stdout
        assert await user_sessions(user.id) == []
        assert (await browser.get("/api/auth/me")).status_code == 401
        assert (await browser.get("/api/auth/me", headers={"Authorization": f"Bearer {secret}"})).status_code == 401
        again = cli.run("user", "deactivate", unique_email("nobody"))
        assert again.returncode != 0 and "no user with the email" in again.stderr


async def test_idle_expiry(app_factory, make_user):
    user = await make_user()
    async with serving(app_factory(session_idle_minutes=30), login=(user.email, USER_PASSWORD)) as client:
        [row] = await user_sessions(user.id)
        # 29 minutes idle: still alive (and the activity is recorded, sliding the window).
        await Session.update({Session.last_seen_at: utcnow() - timedelta(minutes=29)}).where(Session.id == row["id"])
        alive = await client.get("/api/auth/me")
        assert alive.status_code == 200
        slid = set_cookies(alive)[SESSION_COOKIE]
        assert 29 * 60 < int(slid["max-age"]) <= 30 * 60
        [row] = await user_sessions(user.id)
        assert utcnow() - row["last_seen_at"] < timedelta(minutes=1)
        # 31 minutes idle: over.
        await Session.update({Session.last_seen_at: utcnow() - timedelta(minutes=31)}).where(Session.id == row["id"])
        dead = await client.get("/api/auth/me")
        assert dead.status_code == 401
        assert await user_sessions(user.id) == []


async def test_absolute_expiry_whatever_the_activity(app_factory, make_user):
    user = await make_user()
    async with serving(app_factory(), login=(user.email, USER_PASSWORD)) as client:
        [row] = await user_sessions(user.id)
        assert row["expires_at"] - row["created_at"] == timedelta(hours=24 * 14)
        # Ten minutes left: active use slides the cookie, but never past the absolute end.
        await Session.update({
            Session.expires_at: utcnow() + timedelta(minutes=10),
            Session.last_seen_at: utcnow() - timedelta(minutes=2),
        }).where(Session.id == row["id"])
        alive = await client.get("/api/auth/me")
        assert alive.status_code == 200
        assert int(set_cookies(alive)[SESSION_COOKIE]["max-age"]) <= 10 * 60
        # Past it, even a session used a second ago is over.
        await Session.update({Session.expires_at: utcnow() - timedelta(seconds=1), Session.last_seen_at: utcnow()}).where(Session.id == row["id"])
        assert (await client.get("/api/auth/me")).status_code == 401
        assert await user_sessions(user.id) == []


async def test_password_change_keeps_this_session_and_ends_the_others(app_factory, make_user):
    user = await make_user()
    app = app_factory()
    async with serving(app, login=(user.email, USER_PASSWORD)) as here, serving(app, login=(user.email, USER_PASSWORD)) as elsewhere:
        keep = sha(session_cookie(here))
        changed = await here.post("/account/password", data={
            "current_password": USER_PASSWORD, "new_password": "a-brand-new-pass", "confirm_password": "a-brand-new-pass",
        })
        assert changed.status_code == 303
        assert (await here.get("/api/auth/me")).status_code == 200
        assert (await elsewhere.get("/api/auth/me")).status_code == 401
        assert [r["id"] for r in await user_sessions(user.id)] == [keep]
        # The old password is gone, the new one works.
        async with serving(app) as fresh:
            assert (await attempt(fresh, user.email, USER_PASSWORD)).status_code == 400
            assert (await attempt(fresh, user.email, "a-brand-new-pass")).status_code == 303


async def test_a_wrong_current_password_changes_nothing(app_factory, make_user):
    user = await make_user()
    async with serving(app_factory(), login=(user.email, USER_PASSWORD)) as client:
        before = (await fetch("SELECT password_hash FROM core_user WHERE id = {}", user.id))[0]
        refused = await client.post("/account/password", data={
            "current_password": "not-my-password", "new_password": "a-brand-new-pass", "confirm_password": "a-brand-new-pass",
        })
        assert refused.status_code == 400 and "not your current password" in refused.text
        assert (await fetch("SELECT password_hash FROM core_user WHERE id = {}", user.id))[0] == before

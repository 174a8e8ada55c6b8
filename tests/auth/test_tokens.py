"""API tokens: created from the admin screen and the CLI (shown once), hashed
at rest, narrowed to permissions, revocable, expiring; ``/api/auth/me``."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

from core.auth.common import fetch, utcnow
from core.auth.tables import ApiToken
from core.auth.tokens import create_token
from core.testing.cli import Instance
from core.testing.fixtures import SESSION_DB_URL, USER_PASSWORD, serving
from tests.auth.helpers import SECRET, detail, events


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


async def test_a_token_made_in_the_admin_screen_is_shown_once_hashed_and_narrowed(app_factory, make_user):
    user = await make_user(roles=["sales_manager"])
    app = app_factory()
    async with serving(app, login=(user.email, USER_PASSWORD)) as browser, serving(app) as api:
        made = await browser.post("/admin/tokens", data={
            "name": "read-only sync", "narrow": "1", "permissions": ["contacts.client.read"], "expires": "30",
        })
        assert made.status_code == 200, made.text[:500]
        [secret] = SECRET.findall(made.text)
        assert "shown only once" in made.text
        # Never again on any page.
        listing = await browser.get("/admin/tokens")
        assert "read-only sync" in listing.text and secret not in listing.text
        _, prefix, raw = secret.split("_", 2)
        [row] = await fetch("SELECT * FROM core_api_token WHERE prefix = {}", prefix)
        assert row["secret_hash"] == hashlib.sha256(raw.encode()).hexdigest()
        assert not any(raw in str(v) for v in row.values())
        assert timedelta(days=29) < row["expires_at"] - utcnow() <= timedelta(days=30)

        me = (await api.get("/api/auth/me", headers=bearer(secret))).json()
        assert me["email"] == user.email and me["via"] == "token"
        assert me["permissions"] == ["contacts.client.read"]
        # Narrowed: lists clients, may not create one (the user could).
        assert (await api.get("/api/contacts/client", headers=bearer(secret))).status_code == 200
        refused = await api.post("/api/contacts/client", json={"name": "not allowed"}, headers=bearer(secret))
        assert refused.status_code == 404
        assert (await browser.post("/api/contacts/client", json={"name": f"by session {uuid.uuid4().hex[:6]}"})).status_code == 201
        # A token cannot mint tokens.
        assert (await api.post("/admin/tokens", data={"name": "child"}, headers=bearer(secret))).status_code == 404


async def test_a_token_cannot_be_wider_than_its_user(app_factory, make_user):
    user = await make_user(roles=["read_only"])
    async with serving(app_factory(), login=(user.email, USER_PASSWORD)) as browser:
        refused = await browser.post("/admin/tokens", data={"name": "too wide", "narrow": "1", "permissions": ["contacts.client.create"]})
        assert refused.status_code == 400 and "unknown permission" in refused.text
        assert (await browser.post("/admin/tokens", data={"name": "  "})).status_code == 400
        assert (await browser.post("/admin/tokens", data={"name": "x", "expires": "0"})).status_code == 400
        assert await ApiToken.count().where(ApiToken.user == user.id) == 0


async def test_revoked_and_expired_tokens_are_refused(app_factory, make_user):
    user = await make_user(roles=["read_only"])
    app = app_factory()
    async with serving(app, login=(user.email, USER_PASSWORD)) as browser, serving(app) as api:
        one, one_secret = await create_token(user.id, "one")
        two, two_secret = await create_token(user.id, "two")
        three, three_secret = await create_token(user.id, "three")
        for secret in (one_secret, two_secret, three_secret):
            assert (await api.get("/api/auth/me", headers=bearer(secret))).status_code == 200
        # Revoked in the screen, through the API, and expired.
        assert (await browser.post(f"/admin/tokens/{one.id}/revoke")).status_code == 303
        assert (await browser.delete(f"/api/auth/tokens/{two.id}")).status_code == 204
        await ApiToken.update({ApiToken.expires_at: utcnow() - timedelta(seconds=1)}).where(ApiToken.id == three.id)
        for secret in (one_secret, two_secret, three_secret):
            answer = await api.get("/api/auth/me", headers=bearer(secret))
            assert answer.status_code == 401 and "WWW-Authenticate" in answer.headers
        # A right prefix with a wrong secret, and garbage, are nobody too.
        _, prefix, _ = one_secret.split("_", 2)
        for junk in (f"kl_{prefix}_{'x' * 43}", "kl__", "not-a-token", ""):
            assert (await api.get("/api/auth/me", headers=bearer(junk))).status_code == 401
        # Revoking twice, or another user's token, is a 404.
        assert (await browser.delete(f"/api/auth/tokens/{two.id}")).status_code == 404
        listing = await browser.get("/admin/tokens")
        assert listing.text.count("revoked") >= 2 and "expired" in listing.text


async def test_tokens_from_the_command_line(app_factory, make_user, tmp_path):
    user = await make_user(roles=["sales_manager"])
    cli = Instance(data_dir=tmp_path / "data", database_url=SESSION_DB_URL)
    made = cli.run("token", "create", user.email, "nightly export", "--permission", "contacts.client.read", "--expires-in-days", "7", check=True)
    [secret] = SECRET.findall(made.stdout)
    assert "shown once" in made.stdout
    token_id = made.stdout.split("token ", 1)[1].split(" ", 1)[0]
    async with serving(app_factory()) as api:
        me = (await api.get("/api/auth/me", headers=bearer(secret))).json()
        assert me["permissions"] == ["contacts.client.read"]
        assert (await api.post("/api/contacts/client", json={"name": "no"}, headers=bearer(secret))).status_code == 404
        assert f"token {token_id} revoked" in cli.run("token", "revoke", token_id, check=True).stdout
        assert (await api.get("/api/auth/me", headers=bearer(secret))).status_code == 401
    bad = cli.run("token", "create", user.email, "x", "--permission", "no.such.permission")
    assert bad.returncode != 0 and "unknown permission" in bad.stderr
    assert len(await events("token_created", user.email)) == 1
    [revoked] = await events("token_revoked", user.email)
    assert detail(revoked)["via"] == "local"  # the command line, not a request


async def test_an_unnarrowed_token_follows_the_users_roles(app_factory, make_user):
    from core.auth.users import set_roles

    user = await make_user(roles=["read_only"])
    _, secret = await create_token(user.id, "everything I may do")
    async with serving(app_factory()) as api:
        assert (await api.get("/api/contacts/client", headers=bearer(secret))).status_code == 200
        await set_roles(user.id, [])
        assert (await api.get("/api/contacts/client", headers=bearer(secret))).status_code == 404
        me = (await api.get("/api/auth/me", headers=bearer(secret))).json()
        assert me["permissions"] == [] and me["via"] == "token"


async def test_me_describes_the_session_user(app_factory, make_user):
    user = await make_user(roles=["sales_manager"], name="Sam Seller")
    async with serving(app_factory(), login=(user.email, USER_PASSWORD)) as browser:
        me = (await browser.get("/api/auth/me")).json()
    assert me["id"] == str(user.id) and me["name"] == "Sam Seller" and me["via"] == "session"
    assert "contacts.client.read" in me["permissions"]
    assert me["scopes"]["contacts.client.read"] in ("own", "team", "department", "all")
    assert all(scope != "none" for scope in me["scopes"].values())

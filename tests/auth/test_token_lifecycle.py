"""An API token's life ends for good: deactivation revokes it (a reactivation
brings none back), an administrator's password reset revokes it (the forced
change cannot be sidestepped with a token), and a narrowed token reaches only
routes that require one of its permissions — never the user's notifications,
home page, jobs or search, which name no permission.
"""

from __future__ import annotations

from core.auth.tables import ApiToken
from core.auth.tokens import create_token
from core.auth.users import deactivate_user, reactivate_user, reset_password
from core.notifications import api as notifications
from core.testing.fixtures import USER_PASSWORD, serving
from tests.auth.helpers import LOGIN_CSRF, detail, events


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


async def test_a_reactivated_user_gets_no_old_token_back(app_factory, make_user):
    user = await make_user(roles=["read_only"])
    token, secret = await create_token(user.id, "before deactivation")
    async with serving(app_factory()) as api:
        assert (await api.get("/api/auth/me", headers=bearer(secret))).status_code == 200
        await deactivate_user(user.id)
        assert (await api.get("/api/auth/me", headers=bearer(secret))).status_code == 401
        await reactivate_user(user.id)
        assert (await api.get("/api/auth/me", headers=bearer(secret))).status_code == 401
        assert (await api.get("/api/contacts/client", headers=bearer(secret))).status_code == 401
        row = await ApiToken.objects().where(ApiToken.id == token.id).first()
        assert row.revoked_at is not None  # shown as revoked in the token lists
        [event] = await events("user_deactivated", user.email)
        assert detail(event)["tokens_revoked"] == 1
        # Even if the revocation were undone in the database, a token issued
        # before the deactivation stays void.
        await ApiToken.update({ApiToken.revoked_at: None}).where(ApiToken.id == token.id)
        assert (await api.get("/api/auth/me", headers=bearer(secret))).status_code == 401
        # A token made after the reactivation works.
        _, fresh = await create_token(user.id, "after reactivation")
        assert (await api.get("/api/auth/me", headers=bearer(fresh))).status_code == 200


async def test_a_password_reset_by_an_administrator_revokes_the_users_tokens(app_factory, make_user):
    user = await make_user(roles=["read_only"])
    _, secret = await create_token(user.id, "sync")
    async with serving(app_factory()) as api:
        assert (await api.get("/api/contacts/client", headers=bearer(secret))).status_code == 200
        temporary = await reset_password(user.id)
        assert (await api.get("/api/contacts/client", headers=bearer(secret))).status_code == 401
        assert (await api.get("/api/auth/me", headers=bearer(secret))).status_code == 401
        [event] = await events("password_changed", user.email)
        assert detail(event)["reset_by_administrator"] and detail(event)["tokens_revoked"] == 1
    # The person signs in with the temporary password and must change it first.
    async with serving(app_factory()) as browser:
        form = await browser.get("/login")
        token = LOGIN_CSRF.search(form.text).group(1)
        signed_in = await browser.post("/login", data={"email": user.email, "password": temporary, "_csrf": token})
        assert signed_in.status_code == 303 and signed_in.headers["location"] == "/account/password"


async def test_a_narrowed_token_reaches_only_what_its_permissions_allow(app_factory, make_user):
    user = await make_user(roles=["sales_manager"])
    await notifications.notify(user.id, "A task for you: call the secret client")
    _, narrowed = await create_token(user.id, "clients only", permissions=["contacts.client.read"])
    _, full = await create_token(user.id, "everything I may do")
    async with serving(app_factory()) as api:
        # What the permission allows.
        assert (await api.get("/api/contacts/client", headers=bearer(narrowed))).status_code == 200
        me = await api.get("/api/auth/me", headers=bearer(narrowed))
        assert me.status_code == 200 and me.json()["permissions"] == ["contacts.client.read"]
        # Routes open to "any signed-in user" name no permission: closed to a narrowed token.
        for path in ("/", "/notifications", "/notifications/count", "/home/layout", "/jobs/", "/api/jobs",
                     "/search?q=secret", "/account", "/admin/tokens"):
            answer = await api.get(path, headers=bearer(narrowed))
            assert answer.status_code == 404, (path, answer.status_code)
            assert "secret client" not in answer.text
        marked = await api.post("/notifications/read-all", headers=bearer(narrowed))
        assert marked.status_code == 404
        assert await notifications.unread_count(user.id) == 1
        refused = await events("authorization_failed", user.email)
        assert {detail(e)["permission"] for e in refused} == {"narrowed_token"}
        # A token that is not narrowed acts as its user, on these routes too.
        page = await api.get("/notifications", headers=bearer(full))
        assert page.status_code == 200 and "call the secret client" in page.text
        assert (await api.get("/", headers=bearer(full))).status_code == 200
    # The person's own session still sees everything.
    async with serving(app_factory(), login=(user.email, USER_PASSWORD)) as browser:
        assert "call the secret client" in (await browser.get("/notifications")).text

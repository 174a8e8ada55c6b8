"""S12: security events. Each security-relevant act writes exactly one row
saying who (actor, email), what (kind, detail), when (UTC) and from where
(ip); administrators list and filter them, nobody else sees the screen."""

from __future__ import annotations

import random
from datetime import timedelta, timezone

from core.auth.common import as_datetime, fetch, utcnow
from core.auth.users import user_by_email
from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD, USER_PASSWORD, serving, unique_email
from tests.auth.helpers import SECRET, attempt, detail, peer, role_form


async def rows_from(ip: str) -> list[dict]:
    rows = await fetch("SELECT * FROM core_security_event WHERE ip = {} ORDER BY at", ip)
    for r in rows:
        r["at"] = as_datetime(r["at"])
    return rows


async def test_one_row_per_security_event_with_who_what_when_where(app_factory, make_user):
    admin = await user_by_email(ADMIN_EMAIL)
    subject = await make_user(roles=["read_only"])
    admin_ip = f"172.16.{random.randrange(256)}.{random.randrange(1, 255)}"
    user_ip = f"172.17.{random.randrange(256)}.{random.randrange(1, 255)}"
    app = app_factory()
    started = utcnow()
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD), client=(admin_ip, 5000)) as boss:
        async with peer(app, user_ip) as user:
            assert (await attempt(user, subject.email, "wrong-password")).status_code == 400
            assert (await attempt(user, subject.email, USER_PASSWORD)).status_code == 303
            user.headers["X-CSRF-Token"] = (await user.get("/account/password")).text.split('name="csrf-token" content="')[1].split('"')[0]
            # A read-only user trying to create: 404, and one authorization_failed row.
            assert (await user.post("/api/contacts/client", json={"name": "nope"})).status_code == 404
            assert (await user.get("/admin/security")).status_code == 404
            assert (await user.post("/logout")).status_code == 303

        created_email = unique_email("created")
        assert (await boss.post("/admin/users", data={"email": created_email, "roles": ["marketer"]})).status_code == 200
        created = await user_by_email(created_email)
        form = await role_form(boss, "marketer")
        original = dict(form)
        form["grant.contacts.client.export"] = "none" if form.get("grant.contacts.client.export") != "none" else "own"
        try:
            assert (await boss.post("/admin/roles/marketer", data=form)).status_code == 303
        finally:
            assert (await boss.post("/admin/roles/marketer/reset")).status_code == 303
        assert (await role_form(boss, "marketer")) == original
        assert (await boss.post(f"/admin/users/{created.id}/deactivate")).status_code == 303
        made = await boss.post("/admin/tokens", data={"name": "audit me"})
        [secret] = SECRET.findall(made.text)
        token_id = (await fetch("SELECT id FROM core_api_token WHERE prefix = {}", secret.split("_")[1]))[0]["id"]
        assert (await boss.post(f"/admin/tokens/{token_id}/revoke")).status_code == 303
    finished = utcnow()

    user_rows = await rows_from(user_ip)
    assert [r["kind"] for r in user_rows] == ["login_failed", "login", "authorization_failed", "authorization_failed", "logout"]
    failed, login, denied, denied_page, logout = user_rows
    assert failed["actor_id"] is None and failed["email"] == subject.email and detail(failed)["reason"] == "wrong_password"
    for row in (login, denied, denied_page, logout):
        assert str(row["actor_id"]) == str(subject.id) and row["email"] == subject.email
    assert detail(denied) == {"method": "POST", "path": "/api/contacts/client", "permission": "contacts.client.create", "via": "session"}
    assert detail(denied_page)["permission"] == "core.security.read"

    admin_rows = [r for r in await rows_from(admin_ip) if r["at"] >= started]
    kinds = [r["kind"] for r in admin_rows]
    # The fixture's sign-in, then each act once (user creation with a role is
    # a creation plus a role change; the role edit and its reset one each).
    assert kinds == ["login", "user_created", "role_changed", "role_changed", "role_changed", "user_deactivated",
                     "token_created", "token_revoked"], kinds
    _, made_user, given_role, edit, reset, deactivated, token_made, token_revoked = admin_rows
    assert made_user["email"] == created_email and given_role["email"] == created_email
    assert detail(given_role)["added"] == ["marketer"]
    assert detail(edit)["role"] == "marketer" and any("contacts.client.export" in c for c in detail(edit)["grants"])
    assert detail(reset)["reset"] is True
    assert deactivated["email"] == created_email
    assert token_made["email"] == ADMIN_EMAIL and detail(token_revoked)["name"] == "audit me"
    for row in admin_rows + user_rows:
        assert started - timedelta(seconds=1) <= row["at"] <= finished + timedelta(seconds=1)
        assert row["at"].utcoffset() == timedelta(0)
    for row in admin_rows:
        assert str(row["actor_id"]) == str(admin.id)


async def test_the_security_screen_lists_and_filters_and_is_closed_to_others(client, app_factory, make_user):
    outsider = await make_user(roles=["head_of_sales"])
    ip = f"172.18.{random.randrange(256)}.{random.randrange(1, 255)}"
    app = app_factory()
    async with serving(app, client=(ip, 1)) as anyone:
        await attempt(anyone, outsider.email, "wrong-password")
    listing = await client.get("/admin/security", params={"kind": "login_failed", "user": outsider.email})
    assert listing.status_code == 200
    assert outsider.email in listing.text and ip in listing.text
    today = utcnow().date()
    assert outsider.email in (await client.get("/admin/security", params={"user": outsider.email, "from": today.isoformat()})).text
    # Other kinds, other people and other days filter it out.
    assert ip not in (await client.get("/admin/security", params={"kind": "logout", "user": outsider.email})).text
    assert ip not in (await client.get("/admin/security", params={"kind": "login_failed", "user": "someone@else.example"})).text
    tomorrow = (utcnow() + timedelta(days=1)).date().isoformat()
    assert ip not in (await client.get("/admin/security", params={"user": outsider.email, "from": tomorrow})).text
    async with serving(app, login=(outsider.email, USER_PASSWORD)) as other:
        assert (await other.get("/admin/security")).status_code == 404
    async with serving(app) as nobody:
        assert (await nobody.get("/admin/security", headers={"accept": "text/html"})).status_code == 303

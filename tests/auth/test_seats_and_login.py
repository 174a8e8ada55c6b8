"""The edition's seat limit (UI, CLI, function, concurrency), the sign-in
page's ``next`` (no open redirect) and the forced password change."""

from __future__ import annotations

import asyncio
import re

import pytest

from core.auth.tables import User
from core.auth.users import UserError, active_count, create_user, deactivate_user, user_by_email
from core.testing.cli import Instance
from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD, SESSION_DB_URL, USER_PASSWORD, serving, unique_email
from tests.auth.helpers import SECRET, attempt


def edition_file(tmp_path, max_users: int):
    path = tmp_path / "seats.toml"
    path.write_text(f'name = "seats"\nextends = "corp"\n\n[limits]\nmax_users = {max_users}\n', encoding="utf-8")
    return path


async def test_the_seat_limit_in_the_admin_screen(app_factory, make_user, tmp_path):
    spare = await make_user()
    limit = await active_count() + 1  # one seat left
    app = app_factory(edition=str(edition_file(tmp_path, limit)))
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as admin:
        listing = await admin.get("/admin/users")
        assert str(limit) in listing.text
        first = unique_email("seat")
        assert (await admin.post("/admin/users", data={"email": first})).status_code == 200
        second = unique_email("seat")
        refused = await admin.post("/admin/users", data={"email": second})
        assert refused.status_code == 400
        assert f"the edition allows {limit} user(s)" in refused.text and "Deactivate a user first" in refused.text
        assert await user_by_email(second) is None
        # Free a seat, take it, then reactivating the first one is refused the same way.
        assert (await admin.post(f"/admin/users/{spare.id}/deactivate")).status_code == 303
        assert (await admin.post("/admin/users", data={"email": second})).status_code == 200
        again = await admin.post(f"/admin/users/{spare.id}/reactivate")
        assert again.status_code == 400 and f"the edition allows {limit} user(s)" in again.text
        assert (await user_by_email(spare.email)).is_active is False
    assert await active_count() == limit


async def test_the_seat_limit_from_the_command_line(tmp_path):
    limit = await active_count()  # full
    cli = Instance(data_dir=tmp_path / "data", database_url=SESSION_DB_URL,
                   extra_env={"KLIENTELA_EDITION": str(edition_file(tmp_path, limit))})
    email = unique_email("cli-seat")
    refused = cli.run("user", "create", email, "--role", "read_only")
    assert refused.returncode != 0 and f"the edition allows {limit} user(s)" in refused.stderr
    assert await user_by_email(email) is None


async def test_the_seat_limit_in_the_function_holds_under_concurrency(make_user):
    with pytest.raises(UserError, match="the edition allows"):
        await create_user(unique_email("fn"), password=USER_PASSWORD, max_users=await active_count())
    free = 2
    limit = await active_count() + free
    emails = [unique_email("race") for _ in range(8)]
    results = await asyncio.gather(
        *[create_user(e, password=USER_PASSWORD, max_users=limit) for e in emails], return_exceptions=True
    )
    made = [r for r in results if not isinstance(r, BaseException)]
    errors = [r for r in results if isinstance(r, BaseException)]
    assert len(made) == free, results
    assert all(isinstance(e, UserError) and "the edition allows" in str(e) for e in errors), errors
    assert await active_count() == limit
    # Leave the seats as they were for the other tests' arithmetic.
    for user, _ in made:
        await deactivate_user(user.id)


OFF_SITE = [
    "//evil.example", "https://evil.example", "/\\evil.example", "\\\\evil.example", "///evil.example",
    "http:/evil.example", " //evil.example", "/\t/evil.example", "javascript:alert(1)", "",
]


async def test_next_never_leaves_the_site(anonymous, make_user):
    user = await make_user()
    for target in OFF_SITE:
        anonymous.cookies.clear()
        answer = await attempt(anonymous, user.email, USER_PASSWORD, next_=target)
        assert answer.status_code == 303, target
        assert answer.headers["location"] == "/", target
        # Signed in, GET /login?next=... sends home too.
        again = await anonymous.get("/login", params={"next": target})
        assert again.status_code == 303 and again.headers["location"] == "/", target


async def test_next_keeps_a_local_path(anonymous, make_user):
    user = await make_user(roles=["read_only"])
    bounced = await anonymous.get("/contacts/client?q=acme", headers={"accept": "text/html"})
    assert bounced.status_code == 303
    assert bounced.headers["location"] == "/login?next=/contacts/client%3Fq%3Dacme"
    answer = await attempt(anonymous, user.email, USER_PASSWORD, next_="/contacts/client?q=acme")
    assert answer.headers["location"] == "/contacts/client?q=acme"


async def test_a_temporary_password_must_be_changed_first(client, app_factory):
    email = unique_email("temp")
    made = await client.post("/admin/users", data={"email": email, "roles": ["read_only"]})
    [temporary] = [m for m in re.findall(r"<code[^>]*>([A-Za-z0-9]{16})</code>", made.text)] or re.findall(r"\b[A-Za-z2-9]{16}\b", made.text)[:1]
    assert not SECRET.findall(made.text)
    async with serving(app_factory()) as newcomer:
        first = await attempt(newcomer, email, temporary)
        assert first.status_code == 303 and first.headers["location"] == "/account/password"
        # Anything else sends them back to the password page (pages) or says why (API).
        home = await newcomer.get("/contacts/client", headers={"accept": "text/html"})
        assert home.status_code == 303 and home.headers["location"] == "/account/password"
        api = await newcomer.get("/api/contacts/client")
        assert api.status_code == 403 and "new password" in api.text
        page = await newcomer.get("/account/password")
        assert page.status_code == 200
        token = re.search(r'<meta name="csrf-token" content="([^"]*)">', page.text).group(1)
        changed = await newcomer.post("/account/password", data={
            "_csrf": token, "current_password": temporary, "new_password": "my-own-password", "confirm_password": "my-own-password",
        })
        assert changed.status_code == 303
        assert (await newcomer.get("/api/contacts/client")).status_code == 200
    assert (await User.select(User.must_change_password).where(User.email == email).first())["must_change_password"] is False

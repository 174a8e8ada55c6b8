"""S8: every state change without the session's CSRF token is refused and
changes nothing; the header or the ``_csrf`` field lets it through; API tokens
need none; GET never changes data.

The routes are walked from the app itself, so a route added later is covered
without editing these tests.
"""

from __future__ import annotations

import uuid

from core.auth.tokens import create_token
from core.auth.users import user_by_email
from core.auth.tables import Team
from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD, serving, unique_email
from tests.auth.helpers import session_cookie
from tests.auth.world import build_world, routes
from tests.security.db_state import differences, snapshot

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def body(url: str, suffix: str) -> dict:
    """Plausible input, so a handler that ran would have something to write."""
    if url.startswith("/api/"):
        return {"json": {"name": f"csrf probe {suffix}", "full_name": f"csrf probe {suffix}"}, "headers": {"If-Match": '"1"'}}
    return {"data": {"name": f"csrf probe {suffix}", "full_name": f"csrf probe {suffix}", "email": unique_email("csrf"),
                     "_version": "1", "key": f"csrf_{suffix}", "label_en": "probe", "user": "", "ids": ""}}


async def test_every_unsafe_route_without_or_with_a_wrong_token_is_refused_and_changes_nothing(app_factory, make_user):
    suffix = uuid.uuid4().hex[:8]
    app = app_factory(jobs_in_process=False)  # no scheduled job writes while the database is compared
    kernel = app.state.kernel
    world = await build_world(kernel, make_user, suffix)
    calls = list(routes(app, kernel, world, UNSAFE))
    assert len(calls) >= 40, calls  # the walk found the unsafe routes
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as client:
        token = client.headers.pop("X-CSRF-Token")
        before = await snapshot(skip=frozenset())
        answered = {}
        for wrong in (None, "not-the-token", token[:-1]):
            for method, url, _opt in calls:
                kwargs = body(url, suffix)
                if wrong is not None:
                    kwargs.setdefault("headers", {})["X-CSRF-Token"] = wrong
                    if "data" in kwargs:
                        kwargs["data"]["_csrf"] = wrong
                response = await client.request(method, url, **kwargs)
                answered[f"{wrong} {method} {url}"] = response.status_code
        after = await snapshot(skip=frozenset())
        still = await client.get("/api/auth/me")
    assert {call: status for call, status in answered.items() if status != 403} == {}
    assert differences(before, after) == {}
    assert still.status_code == 200  # and the session survived the refusals


async def test_the_header_or_the_form_field_lets_every_unsafe_route_through(app_factory, make_user):
    """Same walk with the right token: no route answers 403 (nor fails).
    Sign-in and sign-out are left to their own tests (they replace or end the session)."""
    suffix = uuid.uuid4().hex[:8]
    app = app_factory()
    kernel = app.state.kernel
    world = await build_world(kernel, make_user, suffix)
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as client:
        answered = {}
        for method, url, _opt in routes(app, kernel, world, UNSAFE):
            if url in ("/login", "/logout"):
                continue
            answered[f"{method} {url}"] = (await client.request(method, url, **body(url, suffix))).status_code
    assert {call: status for call, status in answered.items() if status == 403 or status >= 500} == {}


async def test_the_csrf_form_field_works_in_urlencoded_and_multipart_forms(app_factory):
    async with serving(app_factory(), login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as client:
        token = client.headers.pop("X-CSRF-Token")
        for i, kind in enumerate(("urlencoded", "multipart")):
            name = f"csrf form team {uuid.uuid4().hex[:8]}"
            data = {"name": name, "_csrf": token}
            files = {"attachment": ("a.txt", b"x", "text/plain")} if kind == "multipart" else None
            done = await client.post("/admin/teams", data=data, files=files)
            assert done.status_code == 303, (kind, done.status_code, done.text[:500])
            # The handler still read the form the middleware parsed for the token.
            assert await Team.exists().where(Team.name == name), kind
        # Logging out needs it too, and works with it.
        assert (await client.post("/logout")).status_code == 403
        assert (await client.get("/api/auth/me")).status_code == 200
        assert (await client.post("/logout", data={"_csrf": token})).status_code == 303
        assert (await client.get("/api/auth/me")).status_code == 401


async def test_api_tokens_need_no_csrf_token(app_factory):
    admin = await user_by_email(ADMIN_EMAIL)
    _, secret = await create_token(admin.id, "csrf-free integration")
    async with serving(app_factory()) as api:
        created = await api.post("/api/contacts/client", json={"name": f"via token {uuid.uuid4().hex[:6]}"},
                                 headers={"Authorization": f"Bearer {secret}"})
        assert created.status_code == 201, created.text
        assert session_cookie(api) is None


async def test_the_login_form_checks_its_double_submit_cookie(anonymous, make_user):
    user = await make_user()
    await anonymous.get("/login")  # sets klientela_login_csrf
    for forged in ({}, {"_csrf": "guessed"}):
        refused = await anonymous.post("/login", data={"email": user.email, "password": "user-pass-for-tests", **forged})
        assert refused.status_code == 403 and "expired" in refused.text
        assert session_cookie(anonymous) is None
    # Without the cookie (a foreign site's form), even a field equal to nothing matches nothing.
    anonymous.cookies.clear()
    refused = await anonymous.post("/login", data={"email": user.email, "password": "user-pass-for-tests", "_csrf": ""})
    assert refused.status_code == 403 and session_cookie(anonymous) is None


async def test_get_never_changes_data(app_factory, make_user):
    """Every GET route, as the administrator (who reaches every handler), leaves the
    database as it was. One column is excluded on purpose: ``core_session.last_seen_at``,
    the activity time the idle timeout slides on (at most one write a minute per
    session; it is session bookkeeping, not data). Security events and login
    attempts are included: an administrator's GET has no reason to write one."""
    suffix = uuid.uuid4().hex[:8]
    # No in-process worker: scheduled jobs (reminders every minute) would write while
    # the walk runs, and what is asked here is whether a GET writes.
    app = app_factory(jobs_in_process=False)
    kernel = app.state.kernel
    world = await build_world(kernel, make_user, suffix)
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as client:
        before = await snapshot(skip=frozenset())
        answered = {}
        for _method, url, _opt in routes(app, kernel, world, {"GET"}):
            for headers in ({"accept": "text/html"}, {"accept": "application/json"}, {"HX-Request": "true"}):
                answered[f"{url} {headers}"] = (await client.get(url, headers=headers)).status_code
        after = await snapshot(skip=frozenset())
        assert session_cookie(client) is not None
    assert len(answered) >= 3 * 40, sorted(answered)
    assert {call: s for call, s in answered.items() if s >= 500} == {}
    assert any(url.startswith("/export/") for url in answered)  # the export's start page is walked too
    assert differences(before, after) == {}


async def test_a_refused_form_explains_itself_in_the_users_language(client):
    """A browser sees a page (not raw JSON) saying nothing was changed; the API gets JSON; Russian reads Russian."""
    token = client.headers.pop("X-CSRF-Token")
    try:
        page = await client.post("/saved-views/", data={"name": "x"}, headers={"Accept": "text/html"})
        assert page.status_code == 403 and page.headers["content-type"].startswith("text/html")
        assert "nothing was changed" in page.text and 'role="alert"' in page.text
        api = await client.post("/saved-views/", data={"name": "x"}, headers={"Accept": "application/json"})
        assert api.status_code == 403 and "nothing was changed" in api.json()["detail"]
        client.cookies.set("klientela_lang", "ru")
        russian = await client.post("/saved-views/", data={"name": "x"}, headers={"Accept": "text/html", "Accept-Language": "ru"})
        assert russian.status_code == 403 and "ничего не изменено" in russian.text.lower()
    finally:
        client.headers["X-CSRF-Token"] = token

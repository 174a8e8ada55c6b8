"""Time on the user's clock by default: the browser's zone saved at a new user's first sign-in,
the machine's zone as a new instance's default, and a zone label only off the user's own clock."""

from __future__ import annotations

import re

from core.auth.tables import User
from core.i18n.system_zone import system_timezone
from core.testing.fixtures import USER_PASSWORD

LOGIN_CSRF = re.compile(r'name="_csrf" value="([^"]*)"')


async def sign_in(client, email: str, zone: str | None) -> None:
    form = await client.get("/login")
    assert 'name="browser_timezone"' in form.text and "/static/core/zone-capture.js" in form.text
    data = {"email": email, "password": USER_PASSWORD, "_csrf": LOGIN_CSRF.search(form.text).group(1)}
    if zone is not None:
        data["browser_timezone"] = zone
    assert (await client.post("/login", data=data)).status_code == 303


async def zone_of(user) -> str:
    return (await User.select(User.timezone).where(User.id == user.id).first())["timezone"]


async def test_the_browser_zone_is_saved_at_first_sign_in_and_never_over_a_choice(make_user, anonymous):
    new = await make_user(roles=["sales_manager"])
    await sign_in(anonymous, new.email, "Asia/Yekaterinburg")
    assert await zone_of(new) == "Asia/Yekaterinburg"
    anonymous.cookies.clear()
    await sign_in(anonymous, new.email, "Europe/Lisbon")  # travelling: the saved zone stays
    assert await zone_of(new) == "Asia/Yekaterinburg"


async def test_an_unknown_or_missing_browser_zone_changes_nothing(make_user, anonymous):
    for sent in ("Mars/Olympus_Mons", "../../etc/passwd", "", None):
        user = await make_user(roles=["sales_manager"])
        await sign_in(anonymous, user.email, sent)
        assert await zone_of(user) == "", sent
        anonymous.cookies.clear()


async def test_a_time_input_names_the_zone_only_off_the_users_own_clock(make_user, client_as):
    own = await make_user(roles=["sales_manager"])
    await User.update({User.timezone: "Europe/Moscow"}).where(User.id == own.id)
    chose_utc = await make_user(roles=["sales_manager"])
    await User.update({User.timezone: "UTC"}).where(User.id == chose_utc.id)
    none = await make_user(roles=["sales_manager"])
    hints = {}
    for user in (own, chose_utc, none):
        async with client_as(user) as c:
            form = (await c.get("/contacts/interaction/new")).text
        hints[user.email] = re.findall(r'<small class="hint" id="f-starts_at-zone">([^<]*)</small>', form) or \
            re.findall(r'id="[^"]*starts_at[^"]*-zone">([^<]*)<', form)
    assert hints[own.email] == []  # their own clock: nothing to say
    assert hints[chose_utc.email] == ["UTC"]  # they chose UTC: said
    assert hints[none.email] == ["UTC"]  # the instance's zone (UTC in tests): said


def test_init_takes_the_machines_zone(tmp_path, monkeypatch):
    monkeypatch.delenv("TZ", raising=False)
    (tmp_path / "timezone").write_text("Europe/Moscow\n")
    assert system_timezone(tmp_path) == "Europe/Moscow"
    (tmp_path / "timezone").unlink()
    (tmp_path / "localtime").symlink_to("/usr/share/zoneinfo/Asia/Novosibirsk")
    assert system_timezone(tmp_path) == "Asia/Novosibirsk"
    monkeypatch.setenv("TZ", ":Europe/Berlin")
    assert system_timezone(tmp_path) == "Europe/Berlin"
    monkeypatch.setenv("TZ", "not a zone")
    (tmp_path / "localtime").unlink()
    (tmp_path / "localtime").write_text("binary tzfile, not a link")
    assert system_timezone(tmp_path) == "UTC"

"""S10: brute force. 100 wrong passwords from rotating addresses are throttled
(429, Retry-After, a clear message), yet the real user on a device they used
before signs in at once; a never-seen device is held by the account rule; one
address trying many accounts is held by the address rule.

Every client here has its own address (never 127.0.0.1, which the other tests
share), so these failures cannot throttle another test's sign-in.
"""

from __future__ import annotations

import random

from core.auth.common import fetch
from core.auth.devices import DEVICE_COOKIE
from core.testing.fixtures import USER_PASSWORD, serving
from tests.auth.helpers import attempt, peer, set_cookies


_NETS = iter(random.sample(range(256), 256))


def net() -> str:
    """A /16 of 10/8 of its own for each test (no other suite signs in from 10/8)."""
    return f"10.{next(_NETS)}"


async def signed_in_home_device(app, email: str, ip: str) -> str:
    """The real user's browser signs in once: returns its known-device cookie."""
    async with peer(app, ip) as home:
        ok = await attempt(home, email, USER_PASSWORD)
        assert ok.status_code == 303
        return set_cookies(ok)[DEVICE_COOKIE]["value"]


async def test_rotating_addresses_are_throttled_and_the_real_user_still_signs_in(app_factory, make_user):
    user = await make_user()
    app = app_factory()
    base = net()
    async with serving(app):
        device = await signed_in_home_device(app, user.email, f"{base}.250.1")
        statuses, refused = [], []
        for i in range(100):
            async with peer(app, f"{base}.{i // 200}.{i % 200 + 1}", port=20000 + i) as attacker:
                answer = await attempt(attacker, user.email, f"wrong-guess-{i}")
                statuses.append(answer.status_code)
                if answer.status_code == 429:
                    refused.append(answer)
        # Five failures are free, then every attempt waits: nearly all are refused
        # before the password is even checked.
        assert statuses[:5] == [400] * 5
        assert statuses.count(400) <= 6 and statuses[-80:] == [429] * 80
        for answer in refused:
            assert int(answer.headers["Retry-After"]) >= 1
            assert "Too many failed sign-in attempts for this account" in answer.text
            assert "device you have used before" in answer.text
        # Hammering only makes the wait longer (refused attempts count too), up to the cap.
        assert int(refused[-1].headers["Retry-After"]) > int(refused[0].headers["Retry-After"])
        assert int(refused[-1].headers["Retry-After"]) <= 15 * 60
        checked = await fetch("SELECT count(*) AS n FROM core_login_attempt WHERE email = {} AND throttled = {}", user.email, False)
        assert checked[0]["n"] <= 1 + 6  # the home sign-in and the few guesses actually verified

        # The real user, on the browser they used before, from yet another address: in at once.
        async with peer(app, f"{base}.251.1") as home:
            home.cookies.set(DEVICE_COOKIE, device, domain="testserver.local", path="/login")
            ok = await attempt(home, user.email, USER_PASSWORD)
            assert ok.status_code == 303, ok.text
            assert (await home.get("/api/auth/me")).json()["email"] == user.email

        # A never-seen device from a fresh address, even with the right password, waits (account rule).
        async with peer(app, f"{base}.252.1") as stranger:
            held = await attempt(stranger, user.email, USER_PASSWORD)
            assert held.status_code == 429
            assert "for this account" in held.text and int(held.headers["Retry-After"]) >= 1
            # A forged device cookie (another account's, or unsigned) is a never-seen device too.
            stranger.cookies.set(DEVICE_COOKIE, device[:-4] + "0000", domain="testserver.local", path="/login")
            assert (await attempt(stranger, user.email, USER_PASSWORD)).status_code == 429


async def test_the_account_rule_leaves_other_accounts_alone(app_factory, make_user):
    target, bystander = await make_user(), await make_user()
    app = app_factory()
    base = net()
    async with serving(app):
        for i in range(8):
            async with peer(app, f"{base}.1.{i + 1}") as attacker:
                await attempt(attacker, target.email, "wrong-guess")
        async with peer(app, f"{base}.2.1") as other:
            assert (await attempt(other, bystander.email, USER_PASSWORD)).status_code == 303


async def test_credential_stuffing_from_one_address_hits_the_address_rule(app_factory, make_user):
    accounts = [await make_user() for _ in range(24)]
    app = app_factory()
    base = net()
    ip = f"{base}.9.9"
    async with serving(app):
        # The known-device cookie of one real user behind the same address (an office NAT).
        device = await signed_in_home_device(app, accounts[-1].email, ip)
        statuses = []
        async with peer(app, ip) as stuffer:
            for account in accounts[:-1]:  # one guess per account: no account rule ever fires
                statuses.append((await attempt(stuffer, account.email, "Password123!")).status_code)
            assert statuses[:20] == [400] * 20
            assert statuses[20:] == [429] * 3
            held = await attempt(stuffer, accounts[0].email, USER_PASSWORD)
            assert held.status_code == 429
            assert "from your network" in held.text and int(held.headers["Retry-After"]) >= 1
        # Elsewhere, the same accounts are fine.
        async with peer(app, f"{base}.10.10") as elsewhere:
            assert (await attempt(elsewhere, accounts[0].email, USER_PASSWORD)).status_code == 303
        # Behind the throttled address, a browser that signed in before still gets in.
        async with peer(app, ip) as office:
            office.cookies.set(DEVICE_COOKIE, device, domain="testserver.local", path="/login")
            assert (await attempt(office, accounts[-1].email, USER_PASSWORD)).status_code == 303


async def test_a_success_resets_the_account_count(app_factory, make_user):
    user = await make_user()
    app = app_factory()
    base = net()
    async with serving(app):
        async with peer(app, f"{base}.3.1") as client:
            for _ in range(4):
                assert (await attempt(client, user.email, "wrong-guess")).status_code == 400
            assert (await attempt(client, user.email, USER_PASSWORD)).status_code == 303
        async with peer(app, f"{base}.3.2") as client:
            # Four more mistakes are free again (the count restarted at the success).
            for _ in range(4):
                assert (await attempt(client, user.email, "wrong-guess")).status_code == 400


async def test_forwarded_for_is_believed_only_from_a_trusted_proxy(app_factory, make_user):
    """Rotating X-Forwarded-For from an untrusted peer does not escape the address rule,
    and behind a trusted proxy the forwarded client address is the one recorded."""
    user = await make_user()
    base = net()
    app = app_factory(trusted_proxies=[f"{base}.200.0/24"])
    async with serving(app):
        async with peer(app, f"{base}.7.7") as direct:
            await direct.get("/login")
            await attempt(direct, user.email, "wrong-guess", )
        async with peer(app, f"{base}.200.5") as proxy:
            proxy.headers["X-Forwarded-For"] = f"198.51.100.77, {base}.200.6"
            await attempt(proxy, user.email, "wrong-guess")
        async with peer(app, f"{base}.7.8") as spoofer:
            spoofer.headers["X-Forwarded-For"] = "198.51.100.99"
            await attempt(spoofer, user.email, "wrong-guess")
    rows = await fetch("SELECT ip FROM core_login_attempt WHERE email = {} ORDER BY at", user.email)
    assert [r["ip"] for r in rows] == [f"{base}.7.7", "198.51.100.77", f"{base}.7.8"]

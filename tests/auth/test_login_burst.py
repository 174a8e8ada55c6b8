"""S10 under real concurrency: a burst of simultaneous wrong passwords gets at
most five checked, whatever the number of app processes, and never stalls
or breaks the server.

The throttle's check and the recording of the attempt are one step in the
database (``core.auth.throttle.admit``): before that, 100 simultaneous POSTs
were all checked (98 × 400, 0 × 429, 2 × 500 "database is locked"). And the
password hash runs off the event loop: before, each check froze every other
request for its quarter of a second.

Every client here has its own address in 10/8 (see ``test_throttle``), so these
failures cannot throttle another test's sign-in.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from argon2 import PasswordHasher

from core.auth import passwords, throttle
from core.auth.common import fetch
from core.auth.devices import DEVICE_COOKIE
from core.db.engine import close_pool, make_engine, start_pool
from core.testing.fixtures import SESSION_DB_URL, USER_PASSWORD, make_settings, serving, unique_email
from tests.auth.helpers import LOGIN_CSRF, attempt, peer
from tests.auth.test_throttle import net, signed_in_home_device

BURST = 100


async def ready_form(app, ip: str, port: int):
    """A client that has fetched the login form (its own fresh CSRF token), ready to post."""
    client = peer(app, ip, port=port)
    form = await client.get("/login")
    return client, LOGIN_CSRF.search(form.text).group(1)


async def health_while(app, busy: asyncio.Future) -> list[float]:
    """``/health`` latencies, one request after another, until ``busy`` is done."""
    latencies = []
    async with peer(app, "127.0.0.9") as probe:
        while not busy.done():
            started = time.perf_counter()
            answer = await probe.get("/health")
            latencies.append(time.perf_counter() - started)
            assert answer.status_code == 200, answer.text
            await asyncio.sleep(0.005)
    return latencies


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


@pytest.mark.parametrize("addresses", ["one address", "rotating addresses"])
async def test_a_simultaneous_burst_gets_at_most_five_passwords_checked(app_factory, make_user, addresses):
    user = await make_user()
    app = app_factory()
    base = net()
    async with serving(app):
        device = await signed_in_home_device(app, user.email, f"{base}.250.1")
        ip = (lambda i: f"{base}.1.1") if addresses == "one address" else (lambda i: f"{base}.{1 + i // 200}.{i % 200 + 1}")
        ready = [await ready_form(app, ip(i), 30000 + i) for i in range(BURST)]
        try:
            burst = asyncio.gather(*[
                client.post("/login", data={"email": user.email, "password": f"wrong-guess-{i}", "_csrf": token})
                for i, (client, token) in enumerate(ready)
            ])
            latencies = await health_while(app, burst)
            answers = await burst
        finally:
            for client, _token in ready:
                await client.aclose()
        statuses = [a.status_code for a in answers]
        assert [s for s in statuses if s >= 500] == [], [a.text[:300] for a in answers if a.status_code >= 500]
        assert statuses.count(400) <= 5 and statuses.count(429) >= BURST - 5, sorted(statuses)
        checked = await fetch(
            "SELECT count(*) AS n FROM core_login_attempt WHERE email = {} AND throttled = {} AND success = {}",
            user.email, False, False,
        )
        assert checked[0]["n"] <= 5
        # The server kept answering meanwhile. S10's bar (p99 under 1 s) is measured by the bench
        # (`klientela bench run S10`), not here: on CI's two shared cores the first probe alone took
        # 1.3 s once. What this guards is the stall argon2 on the event loop caused (11-38 s).
        assert latencies and p99(latencies) < 5.0, latencies

        # The real user, on the browser they used before: in at once.
        async with peer(app, f"{base}.251.1") as home:
            home.cookies.set(DEVICE_COOKIE, device, domain="testserver.local", path="/login")
            ok = await attempt(home, user.email, USER_PASSWORD)
            assert ok.status_code == 303, ok.text


async def test_two_app_processes_share_one_count(accounts, make_user):
    """Two independent connection pools on one database — what two app processes
    are — admitting guesses at the same instant: five checked in all, not five each."""
    user = await make_user()
    base = net()
    other = make_engine(SESSION_DB_URL)  # a second pool of connections, as another process has
    await start_pool(other, make_settings(db_pool_min=1, db_pool_max=10))
    try:
        admissions = await asyncio.gather(*[
            throttle.admit(user.email, f"{base}.{i % 2}.{i + 1}", "", engine=other if i % 2 else None)
            for i in range(60)
        ])
    finally:
        await close_pool(other)
    admitted = [a for a in admissions if a.verdict.allowed]
    assert len(admitted) == throttle.ACCOUNT.threshold
    assert {a.verdict.rule for a in admissions if not a.verdict.allowed} == {"account"}
    rows = await fetch("SELECT count(*) AS n FROM core_login_attempt WHERE email = {}", user.email)
    assert rows[0]["n"] == 60  # every attempt is on record, refused ones too


async def test_one_at_a_time_five_are_checked_then_the_wait(accounts, make_user):
    user = await make_user()
    base = net()
    verdicts = [(await throttle.admit(user.email, f"{base}.0.{i + 1}", "")).verdict for i in range(7)]
    assert [v.allowed for v in verdicts] == [True] * 5 + [False] * 2
    assert verdicts[5].retry_after >= 1 and verdicts[6].retry_after > verdicts[5].retry_after
    # A known device is counted apart: the account's wait does not hold it.
    mine = await throttle.admit(user.email, f"{base}.0.99", "a-known-device-id")
    assert mine.verdict.allowed
    await throttle.succeeded(mine)
    [row] = await fetch("SELECT success, throttled FROM core_login_attempt WHERE id = {}", mine.attempt_id)
    assert row["success"] and not row["throttled"]


async def test_password_checks_leave_the_event_loop_free(app_factory, monkeypatch):
    """Parallel sign-ins with unknown e-mails: the loop keeps ticking and /health
    answers, instead of waiting out every hash in turn.

    The hash here costs more than production's (one thread, about a second): a
    hash on the loop must stand out clearly from the pauses a busy shared
    machine gives a loop anyway."""
    costly = PasswordHasher(time_cost=8, memory_cost=64 * 1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", costly)  # the suite's cheap profile off
    started = time.perf_counter()
    costly.hash("one hash, timed")
    one_hash = time.perf_counter() - started
    app = app_factory()
    base = net()
    logins = 3
    async with serving(app):
        await passwords.dummy_hash()  # made once per process; not what is measured
        ready = [await ready_form(app, f"{base}.{i}.1", 31000 + i) for i in range(logins)]
        ticks, interval = [], 0.01

        async def tick(busy):
            while not busy.done():
                ticks.append(time.perf_counter())
                await asyncio.sleep(interval)

        try:
            burst = asyncio.gather(*[
                client.post("/login", data={"email": unique_email("nobody"), "password": "wrong-guess", "_csrf": token})
                for client, token in ready
            ])
            latencies, _ = await asyncio.gather(health_while(app, burst), tick(burst))
            answers = await burst
        finally:
            for client, _token in ready:
                await client.aclose()
    assert [a.status_code for a in answers] == [400] * logins
    # On the loop, the checks alone would hold it for logins × one_hash.
    # A check on the loop would stop it for a whole hash (several, back to back, when
    # requests arrive together). Off the loop, the longest pause is the machine's
    # scheduling noise: well under a hash even with other work on the cores.
    longest_pause = max(b - a for a, b in zip(ticks, ticks[1:]))
    assert longest_pause < one_hash / 2, (longest_pause, one_hash)
    assert p99(latencies) < 1.0, latencies


async def test_an_unknown_email_costs_as_much_as_a_wrong_password(app_factory, make_user, monkeypatch):
    monkeypatch.setattr(passwords, "_hasher", passwords.PRODUCTION)
    user = await make_user()
    app = app_factory()
    base = net()

    async def timed(email: str, ip: str) -> float:
        async with peer(app, ip) as client:
            form = await client.get("/login")
            token = LOGIN_CSRF.search(form.text).group(1)
            started = time.perf_counter()
            answer = await client.post("/login", data={"email": email, "password": "wrong-guess", "_csrf": token})
            assert answer.status_code == 400
            return time.perf_counter() - started

    async with serving(app):
        await passwords.dummy_hash()
        # The known account's hash is the cheap one it was made with: re-hash it at the production cost.
        from core.auth.tables import User

        await User.update({User.password_hash: passwords.PRODUCTION.hash(USER_PASSWORD)}).where(User.id == user.id)
        known = sorted([await timed(user.email, f"{base}.1.{i + 1}") for i in range(3)])[1]
        unknown = sorted([await timed(unique_email("nobody"), f"{base}.2.{i + 1}") for i in range(3)])[1]
    assert 0.5 < unknown / known < 2.0, (unknown, known)

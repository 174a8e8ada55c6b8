"""S10 under load: how long ``/health`` takes while a burst of sign-ins runs.

Each round sends, at the same instant, ``UNKNOWN`` sign-ins with e-mails
nobody has (each from its own address, so every one has its password
checked at the production argon2 cost; fewer when ``--requests`` is
smaller) and ``GUESSES`` wrong passwords for one real account made for the
round (one address; the throttle lets at most five be checked). Meanwhile
one client asks ``/health`` again and again. The baseline is ``/health``
alone, asked the same way just before. Requests go in-process through
``httpx.ASGITransport``, as the P6 page rows do.

``min(3, --repeat)`` rounds. The rows show p50 and p99 of ``/health`` over
all rounds of each side; the note counts the burst's answers (400 checked,
429 throttled, 5xx) and how long a burst took.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import statistics
import time

from bench.runner import Result, register

UNKNOWN = 30
GUESSES = 100
BAR_P99_S = 1.0
ROUNDS = 3
MS = 1e3


def unknown_count(ctx) -> int:
    """``UNKNOWN``, or fewer in a tiny run (``--requests`` below it, as the smoke test runs)."""
    return min(UNKNOWN, max(4, ctx.requests))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _health_until(client, done: asyncio.Future | None, count: int = 0) -> list[float]:
    """``/health`` latencies, one request after another: until ``done``, or ``count`` of them."""
    latencies = []
    while (done is not None and not done.done()) or (done is None and len(latencies) < count):
        started = time.perf_counter()
        answer = await client.get("/health")
        latencies.append(time.perf_counter() - started)
        if answer.status_code != 200:
            raise RuntimeError(f"/health answered {answer.status_code} during the login burst")
        await asyncio.sleep(0.005)
    return latencies


async def _attempt(httpx, app, ip: str, email: str, password: str) -> int:
    from core.testing.clients import BASE_URL

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(ip, 40000)), base_url=BASE_URL) as client:
        form = await client.get("/login")
        token = form.text.split('name="_csrf" value="', 1)[1].split('"', 1)[0]
        return (await client.post("/login", data={"email": email, "password": password, "_csrf": token})).status_code


async def _rounds(ctx) -> tuple[list[float], list[float], dict[str, int], list[float]]:
    import httpx

    from bench.bars.platform import served_as
    from core.auth.users import create_user
    from core.app import create_app
    from core.testing.clients import BASE_URL

    app = create_app(ctx.settings("corp"))
    alone, during, statuses, bursts = [], [], {}, []
    logging.getLogger("httpx").setLevel(logging.WARNING)
    async with served_as(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("127.0.0.2", 41000)), base_url=BASE_URL) as probe:
            await _health_until(probe, None, 20)  # warm-up
            for _ in range(min(ROUNDS, ctx.repeat)):
                # A fresh /16 per round: the attempts of earlier rounds (and runs) throttle nothing here.
                net = f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}"
                alone += await _health_until(probe, None, 100)
                unknown = [_attempt(httpx, app, f"{net}.{i + 1}", f"nobody-{secrets.token_hex(6)}@bench.example", "wrong-password")
                           for i in range(unknown_count(ctx))]
                # A real account of its own each round: the bench administrator must stay free to sign in.
                target, _ = await create_user(f"burst-target-{secrets.token_hex(6)}@bench.example", password=secrets.token_urlsafe(12))
                guesses = [_attempt(httpx, app, f"{net}.250", target.email, f"wrong-{i}") for i in range(GUESSES)]
                started = time.perf_counter()
                burst = asyncio.gather(*unknown, *guesses)
                during += await _health_until(probe, burst)
                codes = await burst
                bursts.append(time.perf_counter() - started)
                for code in codes:
                    key = "5xx" if code >= 500 else str(code)
                    statuses[key] = statuses.get(key, 0) + 1
    return alone, during, statuses, bursts


@register("S10", "s10-login-burst", "/health while a login burst runs", f"p99 < {BAR_P99_S:g} s")
def login_burst(ctx):
    alone, during, statuses, bursts = asyncio.run(_rounds(ctx))
    counted = ", ".join(f"{n} × {code}" for code, n in sorted(statuses.items()))
    note = (
        f"{len(bursts)} rounds of {unknown_count(ctx)} unknown e-mails + {GUESSES} wrong passwords for one account, "
        f"all at once; answers: {counted}; a burst took {statistics.median(bursts):.1f} s (median); "
        f"/health samples: {len(during)} during, {len(alone)} alone; {ctx.engine}"
    )
    rows = []
    for label, q in (("p50", 0.5), ("p99", 0.99)):
        ours, base = percentile(during, q), percentile(alone, q)
        rows.append(Result(
            what=f"/health {label} during a login burst vs alone",
            ours=ours * MS, baseline=base * MS, unit="ms", ratio=ours / base if base else None,
            met=(ours < BAR_P99_S and statuses.get("5xx", 0) == 0) if label == "p99" else None,
            note=note, samples_seconds={"ours": during, "baseline": alone},
        ))
    return rows

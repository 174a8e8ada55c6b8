"""What authenticating a request costs: ``/health`` signed in vs anonymous (issue 16).

``/health`` does little besides its database probe, so what a signed-in
request adds is mostly the auth middleware's work: finding the session or
token, and the principal. Principals are kept per session and per token in
each worker and checked against the principal stamp, one primary-key read per
request (``core.auth.principal_cache``, ``core.auth.stamp``); the bar allows
that read and little else.

One corp app in this process (``httpx.ASGITransport``, as ``p6-page``), three
clients: anonymous, signed in through the login form as the bench
administrator (its session cookie then sent as a plain header, so the
client's cookie jar is not timed), and the same administrator's API token.
Each signed-in client alternates with the anonymous one in batches of
``--requests`` / 10 GETs, ``--repeat`` × 10 batches a side (``FINER``). The
note says how many principals were built (cache misses) and reused (hits).
"""

from __future__ import annotations

import asyncio

from bench.bars.platform import US, batch_sampler, served_as
from bench.runner import interleaved_async, measured, register

AUTH_LIMIT_RATIO = 1.2
# The two sides differ by ~100 µs a request, less than the machine's drift
# between two batches of 200: the same requests in ten times as many, ten
# times smaller batches, alternating, keep the medians apart from the drift.
FINER = 10


def batch_size(ctx) -> int:
    return max(1, ctx.requests // FINER)


async def auth_pairs(ctx) -> tuple[dict, object]:
    import httpx

    from bench.context import BENCH_ADMIN
    from core.app import create_app
    from core.auth.middleware import AuthMiddleware
    from core.auth.sessions import SESSION_COOKIE
    from core.auth.tokens import create_token, revoke_token
    from core.auth.users import user_by_email
    from core.testing.clients import BASE_URL

    app = create_app(ctx.settings("corp"))
    [middleware] = [m for m in app.middleware if isinstance(m, AuthMiddleware)]
    cache = getattr(middleware, "principals", None)  # None before principals were kept
    pairs = {}
    async with served_as(app, BENCH_ADMIN) as (signed_in,):
        admin = await user_by_email(BENCH_ADMIN[0])
        row, token = await create_token(admin.id, "bench: /health with a token")
        cookie = signed_in.cookies[SESSION_COOKIE]
        transport = httpx.ASGITransport(app=app)
        async with (
            httpx.AsyncClient(transport=transport, base_url=BASE_URL) as anonymous,
            # The session cookie as a plain header: httpx's cookie jar costs the client
            # about 0.1 ms a request (profiled), which is not the server's doing.
            httpx.AsyncClient(transport=transport, base_url=BASE_URL, headers={"Cookie": f"{SESSION_COOKIE}={cookie}"}) as session,
            httpx.AsyncClient(transport=transport, base_url=BASE_URL, headers={"Authorization": f"Bearer {token}"}) as api,
        ):
            try:
                for label, client in (("a session", session), ("an API token", api)):
                    pairs[label] = await interleaved_async(
                        batch_sampler(client, "/health", batch_size(ctx)),
                        batch_sampler(anonymous, "/health", batch_size(ctx)),
                        ctx.repeat * FINER,
                        ctx.warmup,
                    )
            finally:
                await revoke_token(row.id)
    return pairs, cache


@register("auth", "auth-health", "/health signed in vs anonymous", f"≤ {AUTH_LIMIT_RATIO}×")
def authenticated_health(ctx):
    pairs, cache = asyncio.run(auth_pairs(ctx))
    rows = []
    for label, pair in pairs.items():
        note = (
            f"per request, in-process (httpx.ASGITransport), {ctx.repeat * FINER} batches of {batch_size(ctx)} per side; "
            f"{ctx.engine}; authentication adds {(pair.ours_median - pair.base_median) * US:.0f} µs"
        )
        if cache is not None:
            note += f"; principals built {cache.misses}, reused {cache.hits} over both rows"
        rows.append(
            measured(f"GET /health with {label} vs anonymous", pair, "µs", scale=US, met=pair.ratio <= AUTH_LIMIT_RATIO, note=note)
        )
    return rows

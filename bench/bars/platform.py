"""The platform kernel's bars: P6 (plugin overhead, app start) and hook costs.

* ``p6-start`` — ``import core.app`` + ``create_app`` for corp, each in a fresh
  interpreter, timed inside the child; basic is the baseline.
* ``p6-page`` — the same pages served by a corp app and a basic app in this
  process through ``httpx.ASGITransport``, in interleaved batches.
* ``hooks`` — what a hook call costs over calling the same functions directly.
"""

from __future__ import annotations

import logging
import subprocess
import time
import warnings
from contextlib import asynccontextmanager
from types import SimpleNamespace

import pluggy

from bench.runner import Pair, interleaved, interleaved_async, measured, per_call, register

START_LIMIT_S = 1.5
PAGE_LIMIT_RATIO = 1.1
PAGES = ("/", "/health")
US = 1e6

# Timed inside the child: interpreter start-up is not the app's doing.
START_CHILD = """\
import sys, time
started = time.perf_counter()
from core.app import create_app
from core.settings import Settings
create_app(Settings(edition=sys.argv[1]))
print(repr(time.perf_counter() - started))
"""


# -- P6: app start --------------------------------------------------------------


def start_sampler(ctx, edition: str):
    def sample() -> float:
        proc = subprocess.run(
            [ctx.python, "-c", START_CHILD, edition],
            env=ctx.env(),
            cwd=ctx.workdir,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"create_app({edition}) failed in a child:\n{proc.stderr[-2000:]}")
        return float(proc.stdout.strip().splitlines()[-1])

    return sample


@register("P6", "p6-start", "App start, corp vs basic", f"≤ {START_LIMIT_S} s (corp)")
def app_start(ctx):
    pair = interleaved(start_sampler(ctx, "corp"), start_sampler(ctx, "basic"), ctx.repeat, ctx.warmup)
    note = "import core.app + create_app, timed inside a fresh interpreter; database already migrated"
    return measured("app start corp vs basic (fresh process)", pair, "s", met=pair.ours_median <= START_LIMIT_S, note=note)


# -- P6: page overhead -----------------------------------------------------------


@asynccontextmanager
async def served(*apps):
    """Start apps (as their lifespan would), yield an httpx client per app, stop them.

    The apps share the process's one engine, hence one PostgreSQL pool: the
    second start finds it open and the first stop closes it (Piccolo warns
    about both; the warnings are expected here and silenced). httpx's
    per-request INFO log line (Litestar sets the root logger to INFO) is
    silenced too: it is the client's cost, not the app's. Each client signs
    in as the bench administrator, so pages pay for the session lookup and the
    permission checks as a user's would.
    """
    import httpx

    from bench.context import BENCH_ADMIN
    from core.app import shutdown, startup
    from core.testing.clients import BASE_URL, login

    clients = []
    httpx_log = logging.getLogger("httpx")
    level = httpx_log.level
    httpx_log.setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*A pool already exists")
        warnings.filterwarnings("ignore", message=".*No pool is running")
        started = []
        try:
            for app in apps:
                await startup(app)
                started.append(app)
                client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL)
                clients.append(client)
                await login(client, *BENCH_ADMIN)
            yield clients
        finally:
            for client in clients:
                await client.aclose()
            for app in reversed(started):
                await shutdown(app)
            httpx_log.setLevel(level)


@asynccontextmanager
async def served_as(app, *logins: tuple[str, str]):
    """One app started as its lifespan would, and one signed-in httpx client per (email, password)."""
    import httpx

    from core.app import shutdown, startup
    from core.testing.clients import BASE_URL, login

    httpx_log = logging.getLogger("httpx")
    level = httpx_log.level
    httpx_log.setLevel(logging.WARNING)  # the client's per-request log line is not the app's cost
    clients = []
    await startup(app)
    try:
        for email, password in logins:
            client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL)
            clients.append(client)
            await login(client, email, password)
        yield clients
    finally:
        for client in clients:
            await client.aclose()
        await shutdown(app)
        httpx_log.setLevel(level)


def batch_sampler(client, path: str, requests: int):
    async def sample() -> float:
        started = time.perf_counter()
        for _ in range(requests):
            response = await client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} answered {response.status_code}")
        return (time.perf_counter() - started) / requests

    return sample


async def page_pairs(ctx) -> dict[str, Pair]:
    from core.app import create_app

    corp, basic = create_app(ctx.settings("corp")), create_app(ctx.settings("basic"))
    pairs = {}
    async with served(corp, basic) as (corp_client, basic_client):
        for path in PAGES:
            pairs[path] = await interleaved_async(
                batch_sampler(corp_client, path, ctx.requests),
                batch_sampler(basic_client, path, ctx.requests),
                ctx.repeat,
                ctx.warmup,
            )
    return pairs


@register("P6", "p6-page", "Same page, corp app vs basic app", f"≤ {PAGE_LIMIT_RATIO}×")
def page_overhead(ctx):
    import asyncio

    rows = []
    for path, pair in asyncio.run(page_pairs(ctx)).items():
        note = f"per request, in-process (httpx.ASGITransport), batches of {ctx.requests}; {ctx.engine}"
        rows.append(measured(f"GET {path} corp vs basic", pair, "µs", scale=US, met=pair.ratio <= PAGE_LIMIT_RATIO, note=note))
    return rows


# -- hook-call overhead ------------------------------------------------------------


def menu_items_callers(ctx):
    """``menu_items`` as a page render calls it, and the same functions called directly."""
    from core.hooks.manager import flatten
    from core.kernel import build_kernel

    kernel = build_kernel(ctx.settings("corp"))
    request = SimpleNamespace(state=SimpleNamespace())
    kwargs = {"kernel": kernel, "request": request}
    # pluggy calls the last registered implementation first.
    calls = [(impl.function, tuple(kwargs[a] for a in impl.argnames)) for impl in reversed(kernel.pm.hook.menu_items.get_hookimpls())]

    def hooked():
        return kernel.collect("menu_items", request=request)

    def direct():
        return flatten([function(*args) for function, args in calls])

    if hooked() != direct():
        raise AssertionError("the direct baseline does not return the hook's list")
    return hooked, direct, len(calls)


PROJECT = "klientela_bench"
_spec = pluggy.HookspecMarker(PROJECT)
_impl = pluggy.HookimplMarker(PROJECT)


class _Specs:
    @_spec
    def ping(self, value):
        """A dummy hook for the micro-measure."""


def _implementation(offset: int):
    class Impl:
        @_impl
        def ping(self, value):
            return value + offset

    return Impl()


def tiny_hook(implementations: int):
    """A pluggy hook with ``n`` implementations, and a direct call returning the same list."""
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(_Specs)
    impls = [_implementation(i) for i in range(implementations)]
    for impl in impls:
        pm.register(impl)
    functions = [impl.ping for impl in reversed(impls)]

    def hooked():
        return pm.hook.ping(value=1)

    def direct():
        return [function(1) for function in functions]

    if hooked() != direct():
        raise AssertionError("the direct baseline does not return the hook's list")
    return hooked, direct


@register("hooks", "hooks", "Hook-call overhead per call", "informational")
def hook_overhead(ctx):
    rows = []
    hooked, direct, count = menu_items_callers(ctx)
    pair = interleaved(per_call(hooked, ctx.calls), per_call(direct, ctx.calls), ctx.repeat, ctx.warmup)
    rows.append(
        measured(
            f"menu_items hook, corp ({count} impls) vs direct calls",
            pair,
            "µs",
            scale=US,
            note=f"once per full page render; overhead {(pair.ours_median - pair.base_median) * US:.2f} µs per render",
        )
    )
    for n in (0, 1, 5):
        hooked, direct = tiny_hook(n)
        pair = interleaved(per_call(hooked, ctx.calls), per_call(direct, ctx.calls), ctx.repeat, ctx.warmup)
        rows.append(
            measured(
                f"pluggy hook, {n} impl{'' if n == 1 else 's'} vs direct call",
                pair,
                "µs",
                scale=US,
                note=f"overhead {(pair.ours_median - pair.base_median) * US:.2f} µs per call",
            )
        )
    return rows

"""P3: throughput of the list page and the JSON list API under load, one worker; R7.

Two servers on loopback, each one uvicorn worker with its access log, as
subprocesses on free ports: the product (``klientela serve``, corp) and the
bare baseline (:mod:`bench.baseline`, the same raw query). The load
generator is Debian's ``wrk`` (C, one thread, ``LOAD_CONNECTIONS`` keep-alive
connections, closed loop: what is measured is how many answers a worker
gives). The Python generator used before (locust) topped out near 200 req/s
on these two cores, below what a bare handler serves, so its ratios said
more about locust than about the app. That the generator is not the limit
now is measured in every run: a row of wrk against the bare app's
constant ``/ping`` (its ceiling on this machine, far above every list rate),
and wrk's own CPU time per run (``getrusage`` of the finished child) in the
notes. ``wrk`` comes from Debian (``apt-get install wrk``;
``scripts/test-deps.sh`` installs it for the bench smoke test).

Runs alternate page, baseline, API, baseline... ``ctx.load_rounds`` times,
``ctx.load_seconds`` each; the rows give median req/s, the share of the
baseline's (bar ≥ 50%) and p50/p95/p99 from wrk. A third pair measures the
list API at 80 rows (Odoo's page) against the bare handler at 80 rows: the
figure the Odoo-shaped comparison (``bench/bars/odoo.py``) asks for.
Requests carry the generated sales manager's API token (team scope), as in
P2. R7: every non-2xx/3xx answer and socket error of every run is counted;
the row fails (and ``klientela bench run`` exits 2) unless there are none.
"""

from __future__ import annotations

import asyncio
import json
import resource
import shutil
import socket
import statistics
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.queries import API_URL, LIST_URL, MANAGER, ODOO_PAGE, QUERY, query_string
from bench.runner import Result, register

LOAD_CONNECTIONS = 8
WRK_THREADS = 1  # one core of two: the other is the server's
SHARE_BAR = 0.5
WRK_SCRIPT = Path(__file__).resolve().parent.parent / "wrk_report.lua"


class GeneratorMissing(RuntimeError):
    pass


@dataclass
class Run:
    requests: int
    failures: int
    rps: float
    p50: float  # ms
    p95: float
    p99: float
    generator_cpu: float  # wrk's CPU seconds per second of the run (1.0 = one core busy)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    import logging

    import httpx

    logging.getLogger("httpx").setLevel(logging.WARNING)  # no log line per readiness poll
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server for {url} exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=5).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


@contextmanager
def server(ctx, args: list[str], ready_path: str, log: Path):
    port = free_port()
    # `klientela serve` wants an instance file; this one only names the edition
    # (everything else is pinned by the environment, as for the whole run).
    config = ctx.workdir / "klientela.toml"
    config.write_text('edition = "corp"\n', encoding="utf-8")
    env = {**ctx.env(), "KLIENTELA_EDITION": "corp", "KLIENTELA_CONFIG": str(config)}
    with open(log, "wb") as out:
        proc = subprocess.Popen([*args, "--port", str(port)], env=env, cwd=ctx.workdir, stdout=out, stderr=subprocess.STDOUT)
    try:
        try:
            wait_ready(f"http://127.0.0.1:{port}{ready_path}", proc)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}; its output:\n{log.read_text(errors='replace')[-3000:]}") from None
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def wrk_program() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise GeneratorMissing("P3's load generator wrk is not installed: apt-get install wrk (or scripts/test-deps.sh)")
    return found


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wrk(url: str, token: str, seconds: float) -> Run:
    """One wrk run against ``url``; its summary from :data:`WRK_SCRIPT`'s JSON line."""
    args = [wrk_program(), "-t", str(WRK_THREADS), "-c", str(LOAD_CONNECTIONS), "-d", f"{max(1, round(seconds))}s",
            "--timeout", "30s", "-s", str(WRK_SCRIPT)]
    if token:
        args += ["-H", f"Authorization: Bearer {token}"]
    cpu = children_cpu()
    proc = subprocess.run([*args, url], capture_output=True, text=True, timeout=seconds + 60)
    cpu = children_cpu() - cpu  # only wrk finished in between: the servers are still running
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    s = json.loads(proc.stdout.strip().splitlines()[-1])
    if not s["requests"]:
        raise RuntimeError(f"no request to {url} completed in {seconds} s: give the runs more time (--load-seconds)")
    elapsed = s["duration_us"] / 1e6
    failures = s["status_errors"] + s["connect"] + s["read"] + s["write"] + s["timeout"]
    return Run(s["requests"], failures, s["requests"] / elapsed, s["p50_us"] / 1e3, s["p95_us"] / 1e3, s["p99_us"] / 1e3,
               cpu / elapsed)


def warm_up(url: str, token: str, times: int = 3) -> None:
    """First requests pay for lazy imports and template compilation: not part of any run."""
    import httpx

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    for _ in range(times):
        response = httpx.get(url, headers=headers, timeout=120)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}: {response.text[:500]}")


async def manager_token(ctx) -> str:
    from bench.bars.lists import ensure_clients
    from core.app import shutdown, startup, create_app
    from core.auth.tokens import create_token
    from core.auth.users import user_by_email

    app = create_app(ctx.settings("corp"))
    await startup(app)  # the PostgreSQL pool, as the other bars open it
    try:
        await ensure_clients(ctx)
        user = await user_by_email(MANAGER[0])
        _, token = await create_token(user.id, "bench load test")
        return token
    finally:
        await shutdown(app)


def throughput_row(what: str, ours: list[Run], base: list[Run]) -> Result:
    rps, base_rps = statistics.median(r.rps for r in ours), statistics.median(r.rps for r in base)
    share = rps / base_rps
    mid = sorted(ours, key=lambda r: r.rps)[len(ours) // 2]
    failures = sum(r.failures for r in ours)
    cpu = max(r.generator_cpu for r in ours + base)
    note = (f"p50/p95/p99 {mid.p50:.0f}/{mid.p95:.0f}/{mid.p99:.0f} ms (baseline "
            f"{statistics.median(r.p95 for r in base):.0f} ms p95); wrk, {LOAD_CONNECTIONS} connections, {len(ours)} run(s); "
            f"generator CPU at most {cpu:.0%} of a core; failed {failures}")
    return Result(what=what, ours=rps, baseline=base_rps, unit="req/s", ratio=share, met=share >= SHARE_BAR and failures == 0,
                  note=note, samples_seconds={"ours": [1 / r.rps for r in ours], "baseline": [1 / r.rps for r in base]})


def generator_row(ping: list[Run], lists: list[Run]) -> Result:
    """wrk against a constant answer of the bare app: how far above the list rates the generator can drive."""
    ceiling = statistics.median(r.rps for r in ping)
    fastest = max(r.rps for r in lists)
    cpu = statistics.median(r.generator_cpu for r in ping)
    note = (f"wrk against the bare app's constant /ping; the fastest list run was {fastest:.0f} req/s, "
            f"{ceiling / fastest:.1f}× below; wrk used {cpu:.0%} of a core at the ceiling (the rest is the server's)")
    return Result(what="load generator ceiling (wrk, bare /ping) vs fastest list run", id="P3", bar="generator not the limit",
                  ours=ceiling, baseline=fastest, unit="req/s", ratio=ceiling / fastest, met=None, note=note,
                  samples_seconds={"ours": [1 / r.rps for r in ping], "baseline": [1 / r.rps for r in lists]})


def r7_row(runs: list[Run]) -> Result:
    total, failed = sum(r.requests for r in runs), sum(r.failures for r in runs)
    worst = max(r.p95 for r in runs)
    return Result(what="load on loopback: failed requests (every P3 run)", id="R7", bar="0 failed", ours=float(failed),
                  baseline=float(total), unit="req", ratio=failed / total if total else None, met=failed == 0 and total > 0,
                  note=f"{failed} failed of {total} requests; worst p95 {worst:.0f} ms")


@register("P3", "p3-throughput", "List page / JSON API throughput, one worker", f"≥ {SHARE_BAR:.0%} of a bare handler")
def throughput(ctx):
    wrk_program()  # before anything starts: a missing generator is said at once
    token = asyncio.run(manager_token(ctx))
    query = f"?{query_string(QUERY)}"
    wide = f"?{query_string({**QUERY, 'limit': ODOO_PAGE})}"
    serve = [ctx.python, "-m", "core.cli", "serve", "--workers", "1"]
    bare = [ctx.python, "-m", "uvicorn", "bench.baseline:app_from_env", "--factory", "--log-level", "info", "--workers", "1"]
    runs: dict[str, list[Run]] = {"page": [], "api": [], "api80": [], "base": [], "base80": [], "ping": []}
    with server(ctx, serve, "/health", ctx.workdir / "serve.log") as ours, server(ctx, bare, "/rows", ctx.workdir / "baseline.log") as base:
        plan = (("page", f"{ours}{LIST_URL}{query}", token), ("base", f"{base}/rows", ""),
                ("api", f"{ours}{API_URL}{query}", token), ("base", f"{base}/rows", ""),
                ("api80", f"{ours}{API_URL}{wide}", token), ("base80", f"{base}/rows?limit={ODOO_PAGE}", ""),
                ("ping", f"{base}/ping", ""))
        for _, url, auth in plan:
            warm_up(url, auth)
        for _ in range(ctx.load_rounds):
            for side, url, auth in plan:
                runs[side].append(wrk(url, auth, ctx.load_seconds))
    lists = runs["page"] + runs["api"] + runs["api80"] + runs["base"] + runs["base80"]
    return [
        throughput_row(f"list page (HTML) vs bare handler, {ctx.engine}", runs["page"], runs["base"]),
        throughput_row(f"list API (JSON) vs bare handler, {ctx.engine}", runs["api"], runs["base"]),
        throughput_row(f"list API, {ODOO_PAGE} rows, vs bare handler, {ctx.engine}", runs["api80"], runs["base80"]),
        generator_row(runs["ping"], lists),
        r7_row(lists + runs["ping"]),
    ]

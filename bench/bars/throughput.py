"""P3: throughput of the list page and the JSON list API under load, one worker; R7.

Two servers on loopback, each one uvicorn worker with its access log, as
subprocesses on free ports: the product (``klientela serve``, corp) and the
bare baseline (:mod:`bench.baseline`, the same raw query). The load
generator is locust, headless, ``FastHttpUser`` with ``LOAD_USERS``
concurrent users and no think time (closed loop: the rate is bounded by the
users, and what is measured is how many answers a worker gives). Locust is a
PyPI package in the project's test extra, so every machine that runs the
tests has it (wrk or hey would need apt, and wrk reports no p95).

Runs alternate page, baseline, API, baseline... ``ctx.load_rounds`` times,
``ctx.load_seconds`` each; the rows give median req/s, the share of the
baseline's (bar ≥ 50%) and p50/p95/p99 from locust. Requests carry the
generated sales manager's API token (team scope), as in P2. R7: every
non-200 answer or connection error of every run is counted; the row fails
(and ``klientela bench run`` exits 2) unless there are none.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.queries import API_URL, LIST_URL, MANAGER, QUERY, query_string
from bench.runner import Result, register

LOAD_USERS = 8
SHARE_BAR = 0.5
LOCUSTFILE = Path(__file__).resolve().parent.parent / "locustfile.py"


@dataclass
class Run:
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float


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


def percentile(times: dict[str, int], q: float) -> float:
    """The ``q`` quantile (ms) of locust's response-time histogram {rounded ms: count}."""
    points = sorted((float(ms), n) for ms, n in times.items())
    total, seen = sum(n for _, n in points), 0
    for ms, n in points:
        seen += n
        if seen >= q * total:
            return ms
    return points[-1][0]


def locust(ctx, host: str, path: str, token: str, seconds: float) -> Run:
    """One headless locust run; final stats from its ``--json`` output (the CSV lags the last requests)."""
    import json

    args = [ctx.python, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "-u", str(LOAD_USERS),
            "-r", str(LOAD_USERS), "-t", f"{max(1, round(seconds))}s", "--host", host, "--json",
            "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0"]
    env = {**os.environ, "BENCH_PATH": path, "BENCH_TOKEN": token}
    proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=seconds + 120, cwd=ctx.workdir)
    if proc.returncode != 0:
        raise RuntimeError(f"locust failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    stats = [s for s in json.loads(proc.stdout) if s["name"] == "list"]
    if not stats or not stats[0]["num_requests"]:
        raise RuntimeError(f"no request to {host}{path} completed in {seconds} s: give the runs more time (--load-seconds)")
    s = stats[0]
    elapsed = max(s["last_request_timestamp"] - s["start_time"], 1e-3)
    times = s["response_times"]
    return Run(s["num_requests"], s["num_failures"], s["num_requests"] / elapsed,
               percentile(times, 0.5), percentile(times, 0.95), percentile(times, 0.99))


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
    note = (f"p50/p95/p99 {mid.p50:.0f}/{mid.p95:.0f}/{mid.p99:.0f} ms (baseline "
            f"{statistics.median(r.p95 for r in base):.0f} ms p95); {LOAD_USERS} users, {len(ours)} run(s); failed {failures}")
    return Result(what=what, ours=rps, baseline=base_rps, unit="req/s", ratio=share, met=share >= SHARE_BAR and failures == 0,
                  note=note, samples_seconds={"ours": [1 / r.rps for r in ours], "baseline": [1 / r.rps for r in base]})


def r7_row(runs: list[Run]) -> Result:
    total, failed = sum(r.requests for r in runs), sum(r.failures for r in runs)
    worst = max(r.p95 for r in runs)
    return Result(what="load on loopback: failed requests (every P3 run)", id="R7", bar="0 failed", ours=float(failed),
                  baseline=float(total), unit="req", ratio=failed / total if total else None, met=failed == 0 and total > 0,
                  note=f"{failed} failed of {total} requests; worst p95 {worst:.0f} ms")


@register("P3", "p3-throughput", "List page / JSON API throughput, one worker", f"≥ {SHARE_BAR:.0%} of a bare handler")
def throughput(ctx):
    token = asyncio.run(manager_token(ctx))
    query = f"?{query_string(QUERY)}"
    serve = [ctx.python, "-m", "core.cli", "serve", "--workers", "1"]
    bare = [ctx.python, "-m", "uvicorn", "bench.baseline:app_from_env", "--factory", "--log-level", "info", "--workers", "1"]
    runs: dict[str, list[Run]] = {"page": [], "api": [], "base": []}
    with server(ctx, serve, "/health", ctx.workdir / "serve.log") as ours, server(ctx, bare, "/rows", ctx.workdir / "baseline.log") as base:
        for url, auth in ((f"{ours}{LIST_URL}{query}", token), (f"{ours}{API_URL}{query}", token), (f"{base}/rows", "")):
            warm_up(url, auth)
        for _ in range(ctx.load_rounds):
            runs["page"].append(locust(ctx, ours, f"{LIST_URL}{query}", token, ctx.load_seconds))
            runs["base"].append(locust(ctx, base, "/rows", "", ctx.load_seconds))
            runs["api"].append(locust(ctx, ours, f"{API_URL}{query}", token, ctx.load_seconds))
            runs["base"].append(locust(ctx, base, "/rows", "", ctx.load_seconds))
    return [
        throughput_row(f"list page (HTML) vs bare handler, {ctx.engine}", runs["page"], runs["base"]),
        throughput_row(f"list API (JSON) vs bare handler, {ctx.engine}", runs["api"], runs["base"]),
        r7_row(runs["page"] + runs["api"] + runs["base"]),
    ]

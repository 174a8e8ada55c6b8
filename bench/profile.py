"""Where the time of one request goes: ``klientela bench profile``.

Serves the P2/P3 list (``bench.queries``) from a corp app in this process
(``httpx.ASGITransport``), signed in as the generated sales manager, and
runs ``--requests`` GETs of each path under :mod:`cProfile`. The report
folds every function's own time (``tottime``) into the part of the request
path its file belongs to (:data:`PARTS`, first match wins), so the shares
add up to the whole, and then lists the functions with the most own time.

This is the table of docs/benchmarks.md ("Where the time of one list request
goes"). cProfile roughly doubles the cost of Python calls, so read the
shares, not the absolute milliseconds; the unprofiled figures are the P2 and
P3 rows.
"""

from __future__ import annotations

import asyncio
import cProfile
import pstats
import time
from dataclasses import dataclass

# (part, path fragments of the files whose functions' own time belongs to it). First match wins.
PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # The event loop idle in epoll: the request waits for SQL running in a SQLite connection's
    # thread or in the PostgreSQL server (cProfile sees only this thread).
    ("waiting for the database (SQL running; the loop idle)", ("'poll' of 'select.epoll'",)),
    # Socket writes and reads in this process: PostgreSQL's wire (asyncpg); on SQLite, the event
    # loop's self-pipe, which wakes it when a connection's thread hands a result back.
    ("socket I/O (PostgreSQL's wire; SQLite's thread wake-ups)", ("of '_socket.socket'",)),
    ("auth: session/token and principal", ("/core/auth/", "/core/permissions/principal", "argon2")),
    ("i18n and flash middleware", ("/core/i18n/middleware", "/core/web/flash", "/http/cookies.py")),
    ("query gate: building the query, masking rows", ("/core/permissions/", "/core/entities/sql", "/core/custom_fields/sql")),
    ("database driver (aiosqlite / asyncpg, Piccolo)", ("/aiosqlite/", "/asyncpg/", "/piccolo/", "/sqlite3/", "/core/db/")),
    ("JSON encoding", ("/msgspec/", "/core/entities/serialize.py", "/json/encoder.py", "json_encode")),
    ("list page: values, columns, filters, views", ("/core/entities/", "/core/custom_fields/", "/core/saved_views/", "/core/i18n/formatting")),
    ("templates (Jinja rendering)", ("/jinja2/", "/markupsafe/", "<template>", "/templates/")),
    ("hooks (pluggy) and menus", ("/pluggy/", "/core/hooks/", "/core/web/menu", "/core/kernel")),
    ("Litestar (routing, request, response, middleware)", ("/litestar/", "/litestar_htmx/", "/core/web/", "/core/app.py")),
    ("asyncio, threads and the event loop", ("/asyncio/", "/threading.py", "/concurrent/", "/queue.py", "/selectors.py", "'acquire' of '_thread", "'put_nowait' of '_queue", "_asyncio.")),
    ("the in-process HTTP client (httpx, not the server's)", ("/httpx/", "/httpcore/", "/anyio/", "/h11/", "/sniffio/")),
)
OTHER = "other (the standard library, builtins)"


@dataclass
class Share:
    part: str
    seconds: float  # own time over all requests, profiled


def part_of(filename: str, function: str) -> str:
    where = f"{filename}:{function}"
    for part, fragments in PARTS:
        if any(fragment in where for fragment in fragments):
            return part
    return OTHER


def shares(stats: pstats.Stats) -> list[Share]:
    """Own time per part of the request path, largest first (they add up to the profile's total)."""
    totals: dict[str, float] = {}
    for (filename, _line, function), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        part = part_of(filename, function)
        totals[part] = totals.get(part, 0.0) + tottime
    return sorted((Share(p, s) for p, s in totals.items()), key=lambda s: -s.seconds)


def table(title: str, found: list[Share], requests: int, wall: float) -> str:
    total = sum(s.seconds for s in found) or 1e-9
    lines = [f"{title}: {requests} requests, {wall / requests * 1e3:.2f} ms each unprofiled",
             "| part of the request path | share | ms per request (profiled) |", "|---|---|---|"]
    for s in found:
        lines.append(f"| {s.part} | {s.seconds / total:.0%} | {s.seconds / requests * 1e3:.2f} |")
    return "\n".join(lines)


async def profile_paths(ctx, paths: list[str], requests: int, top: int) -> str:
    from bench.bars.lists import ensure_clients
    from bench.bars.platform import served_as
    from bench.queries import MANAGER
    from core.app import create_app

    await ensure_clients(ctx)
    out = []
    async with served_as(create_app(ctx.settings("corp")), MANAGER) as (client,):
        for path in paths:
            for _ in range(5):  # lazy imports, template compilation, first connections
                response = await client.get(path)
                if response.status_code != 200:
                    raise RuntimeError(f"GET {path} answered {response.status_code}: {response.text[:300]}")
            started = time.perf_counter()
            for _ in range(requests):
                await client.get(path)
            wall = time.perf_counter() - started
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(requests):
                await client.get(path)
            profiler.disable()
            stats = pstats.Stats(profiler)
            out.append(table(f"GET {path} ({ctx.engine})", shares(stats), requests, wall))
            out.append(top_functions(stats, top))
    return "\n\n".join(out)


def top_functions(stats: pstats.Stats, top: int) -> str:
    import io

    buffer = io.StringIO()
    stats.stream = buffer  # type: ignore[attr-defined]
    stats.sort_stats("tottime").print_stats(top)
    return buffer.getvalue().split("\n", 4)[-1].strip()


def run(ctx, paths: list[str], requests: int, top: int) -> str:
    return asyncio.run(profile_paths(ctx, paths, requests, top))

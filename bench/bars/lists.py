"""P2: the client list's server time against the same raw SQL, and global search.

On the generated clients (``klientela bench data``; when the database has
none, ``ctx.clients`` are generated first). In process, through
``httpx.ASGITransport`` on a corp app started as its lifespan would:

* the list page (HTML) and the JSON list API, signed in as the generated
  sales manager (record scope "team"), filtered, sorted, with the custom
  field as a column (``bench.queries``); each sample is one request, against
  one run of the hand-written raw query on the same engine, interleaved.
  The two are checked to return the same ids first. Bar: ours ≤ 2× raw + 5 ms;
* global search (``?q=``) for a name word, a phone as typed, an e-mail and
  a tax-id prefix of one generated client, as the administrator (every
  row in scope: the widest search), against the gate's search SQL run raw.
  Bar: ≤ 50 ms (the ratio is information).

Per-request figures include the in-process httpx client's cost (tens of µs),
which only makes ours look slower.
"""

from __future__ import annotations

import asyncio
import time

from piccolo.querystring import QueryString

from bench.queries import API_URL, LIST_URL, MANAGER, QUERY, TABLE, query_string, raw_list
from bench.runner import Result, interleaved_async, measured, register

LIST_SLACK_S = 0.005
LIST_RATIO = 2.0
SEARCH_LIMIT_S = 0.05
MS = 1e3


async def ensure_clients(ctx) -> int:
    """The clients on the bench database; generated (``ctx.clients``, seed 1) when there are none."""
    from bench.data.generate import client_count, generate

    have = await client_count(TABLE)
    if have == 0:
        from bench.data.write import TRUTH_TABLE
        from core.db.engine import get_engine

        # A bar run earlier (the import bars) may have emptied the table after an earlier
        # generation: its duplicate labels name clients that are gone and would collide.
        await get_engine().run_ddl(f'DROP TABLE IF EXISTS "{TRUTH_TABLE}"')
        await generate(ctx.settings("corp"), ctx.clients)
        have = await client_count(TABLE)
    return have


def request_sampler(client, url: str):
    async def sample() -> float:
        started = time.perf_counter()
        response = await client.get(url)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}: {response.text[:500]}")
        return elapsed

    return sample


def raw_sampler(engine, querystring: QueryString):
    async def sample() -> float:
        started = time.perf_counter()
        await engine.run_querystring(querystring)
        return time.perf_counter() - started

    return sample


async def same_rows(client, raw, engine) -> None:
    """The API's first page and the raw query name the same clients, in the same order."""
    response = await client.get(f"{API_URL}?{query_string(QUERY)}")
    ours = [item["id"] for item in response.json()["items"]]
    theirs = [str(r["id"]) for r in (await engine.run_querystring(raw.querystring()))[: len(ours) or 50]]
    if not ours or ours != theirs:
        raise AssertionError(f"the list API and the raw query disagree ({len(ours)} vs {len(theirs)} rows)")


def list_row(what: str, pair, note: str) -> Result:
    limit = LIST_RATIO * pair.base_median + LIST_SLACK_S
    note += f"; limit {limit * MS:.1f} ms (2 × raw + 5 ms)"
    row = measured(what, pair, "ms", scale=MS, met=pair.ours_median <= limit, note=note)
    row.bar = "≤ 2× raw + 5 ms"
    return row


# -- search ------------------------------------------------------------------------


async def search_terms(engine) -> dict[str, str]:
    """Terms from one generated client in the middle of the table (a person: name, e-mail, tax id)."""
    sql = (f'SELECT "name", "phone", "email", "inn" FROM "{TABLE}" WHERE "kind" = {{}} AND "inn" <> {{}} '
           f'AND "email" <> {{}} ORDER BY "id" LIMIT 1 OFFSET (SELECT count(*) / 2 FROM "{TABLE}" WHERE "kind" = {{}})')
    rows = await engine.run_querystring(QueryString(sql, "person", "", "", "person"))
    row = rows[0]
    return {
        "name": row["name"].split()[0],  # the surname of a Russian name, the first name of an English one
        "phone": row["phone"][-9:].strip(),  # the tail of the number, as typed
        "email": row["email"].split("@")[0] + "@",
        "tax id prefix": row["inn"][:6],
    }


def raw_search(kind: str, term: str) -> QueryString:
    """What the gate's search comes to for the administrator (scope all, no custom text fields)."""
    from bench.queries import COLUMNS
    from core.entities.search_index import index_table, sqlite_match
    from core.entities.sql import escape_like

    folded = term.casefold()
    columns = ", ".join(f'"{c}"' for c in COLUMNS)
    if kind == "sqlite" and sqlite_match(folded):
        match = QueryString(f'"rowid" IN (SELECT "rowid" FROM "{index_table(TABLE)}" WHERE "search_text" LIKE {{}})', f"%{folded}%")
    else:
        match = QueryString("\"search_text\" LIKE {} ESCAPE '\\'", f"%{escape_like(folded)}%")
    sql = f'SELECT {columns} FROM "{TABLE}" WHERE "deleted_at" IS NULL AND {{}} ORDER BY "name" ASC, "id" ASC LIMIT 51'
    return QueryString(sql, match)


# -- the bar -------------------------------------------------------------------------


async def list_rows(ctx) -> list[Result]:
    from urllib.parse import quote

    from bench.bars.platform import served_as
    from bench.context import BENCH_ADMIN
    from core.app import create_app
    from core.db.engine import engine_kind, get_engine

    count = await ensure_clients(ctx)
    engine = get_engine(ctx.settings("corp"))
    kind = engine_kind(engine)
    raw = await raw_list(kind)
    rows = []
    async with served_as(create_app(ctx.settings("corp")), MANAGER, BENCH_ADMIN) as (manager, admin):
        await same_rows(manager, raw, engine)
        where = f"{count:,} clients, {ctx.engine}; sales manager (team scope); ?{query_string(QUERY)}"
        for what, url in (("list page (HTML)", LIST_URL), ("list API (JSON)", API_URL)):
            pair = await interleaved_async(request_sampler(manager, f"{url}?{query_string(QUERY)}"),
                                           raw_sampler(engine, raw.querystring()), ctx.repeat, ctx.warmup)
            rows.append(list_row(f"client {what} vs raw SQL", pair, f"{where}; one request per sample"))
        for label, term in (await search_terms(engine)).items():
            pair = await interleaved_async(request_sampler(admin, f"{API_URL}?q={quote(term)}"),
                                           raw_sampler(engine, raw_search(kind, term)), ctx.repeat, ctx.warmup)
            note = f"{count:,} clients, {ctx.engine}; administrator (all rows); q={term!r}; the bar is absolute"
            row = measured(f"global search: {label}", pair, "ms", scale=MS, met=pair.ours_median <= SEARCH_LIMIT_S, note=note)
            row.bar = f"≤ {SEARCH_LIMIT_S * MS:.0f} ms"
            rows.append(row)
    return rows


@register("P2", "p2-list", "Client list: filter + sort + custom column + scope; search", "≤ 2× raw SQL + 5 ms; search ≤ 50 ms")
def client_list(ctx):
    return asyncio.run(list_rows(ctx))

"""``klientela bench``: the benchmark suite (``bench/``, docs/benchmarks.md).

The suite is imported only when a command runs: the command line itself stays
as fast as before, and an installation without ``bench/`` still starts.
"""

from __future__ import annotations

from pathlib import Path

import click

from core.cli.common import die


@click.group()
def bench() -> None:
    """Benchmarks: figures against a baseline measured in the same run."""


@bench.command("run")
@click.argument("names", nargs=-1)
@click.option("--repeat", type=click.IntRange(min=1), default=None, help="Interleaved samples per side, after one warm-up (default 9).")
@click.option("--requests", type=click.IntRange(min=1), default=None, help="Requests per sample for page bars (default 200).")
@click.option("--calls", type=click.IntRange(min=1), default=None, help="Calls per sample for hook bars (default 10000).")
@click.option("--clients", type=click.IntRange(min=1), default=None,
              help="Clients the list bars (P2, P3) generate when the database has none (default 20000); "
              "a database filled by `klientela bench data` is used as it is.")
@click.option("--load-seconds", type=click.FloatRange(min=0.5), default=None, help="Seconds per load-test run of P3 (default 10).")
@click.option("--load-rounds", type=click.IntRange(min=1), default=None, help="Interleaved load-test rounds per side of P3 (default 3).")
@click.option(
    "--database-url",
    default=None,
    help="A throw-away database to migrate and measure on (default a temporary SQLite file; "
    "KLIENTELA_DATABASE_URL is ignored so an instance is never touched).",
)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="JSON result file (default bench-results/<timestamp>.json and bench-results/latest.json).")
def run(names: tuple[str, ...], repeat: int | None, requests: int | None, calls: int | None, clients: int | None,
        load_seconds: float | None, load_rounds: int | None, database_url: str | None, output: Path | None) -> None:
    """Measure the bars NAMES (ids like P6 or names like p6-page; all when none) and print the table.

    Never a test: a bar that is not met is reported, not failed. The exit
    status is 1 when a bar could not be measured because of an error, and 2
    when the load test saw a failed request (R7: 0 failed requests).
    """
    from datetime import datetime, timezone

    from bench import report
    from bench.context import bench_context
    from bench.runner import ERROR, UnknownBar, run as run_bars, select

    check_url(database_url)
    try:
        bars = select(names)
    except UnknownBar as exc:
        die(str(exc))

    def progress(line: str) -> None:
        click.echo(f"bench: {line}", err=True)

    started = datetime.now(timezone.utc)
    sizes = dict(repeat=repeat, requests=requests, calls=calls, clients=clients, load_seconds=load_seconds, load_rounds=load_rounds)
    with bench_context(database_url, **sizes) as ctx:
        progress(f"database migrated for corp ({ctx.engine}); measuring {len(bars)} bar(s)")
        results = run_bars(bars, ctx, progress)
        meta = report.metadata(ctx, started, datetime.now(timezone.utc))
    click.echo(report.render(results, meta))
    for path in report.write_json(report.document(results, meta), output):
        click.echo(f"wrote {path}", err=True)
    if any(r.status == ERROR for r in results):
        raise SystemExit(1)
    if any(r.id == "R7" and r.met is False for r in results):
        raise SystemExit(2)


def check_url(database_url: str | None) -> None:
    if database_url and not database_url.startswith(("sqlite:///", "postgresql://", "postgres://")):
        die("--database-url must start with sqlite:/// or postgresql://")


SALES_OPTIONS = ("invoices", "sales_lines", "products")


@bench.command("data")
@click.option("--clients", type=click.IntRange(min=1), required=True, help="Clients to write, labelled duplicates included.")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, sizes and --as-of: same rows.")
@click.option("--duplicates-share", type=click.FloatRange(min=0, max=0.5), default=0.05, show_default=True,
              help="Share of the clients that are labelled near-duplicates of another.")
@click.option("--interactions", type=click.IntRange(min=0), default=None,
              help="Activities of the clients to write: calls, meetings, letters, e-mails, notes (contacts_interaction) and, "
              "one in ten, assignments (contacts_task), skewed (a few clients have many). "
              "Default 3 per client when the contacts plugin's tables exist; 0 for none.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The activities' reference day (YYYY-MM-DD, default today UTC): three years of past work up to it, planned work after it.")
@click.option("--deals", type=click.IntRange(min=0), default=0, show_default=True,
              help="Deals of the clients (sales_deal), with their product lines and a year of stage history through two "
              "pipelines (sales_deal_line, sales_deal_stage_log); a small catalogue and the pipelines are made for them.")
@click.option("--invoices", type=click.IntRange(min=0), default=None, help="Not available yet: arrives with the sales plugin's invoices.")
@click.option("--sales-lines", type=click.IntRange(min=0), default=None, help="Not available yet: arrives with the sales plugin's invoices.")
@click.option("--products", type=click.IntRange(min=0), default=None,
              help="Not available yet: --deals makes the small catalogue its lines sell.")
@click.option("--database", "database_url", default=None,
              help="A throw-away database to migrate and fill (default sqlite:///bench-data.sqlite3 in the current folder; "
              "KLIENTELA_DATABASE_URL is ignored so an instance is never touched).")
@click.option("--files", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write clients.csv, clients.xlsx and duplicates.csv of the same clients into this folder.")
def data(clients: int, seed: int, duplicates_share: float, interactions: int | None, as_of, database_url: str | None,
         files: Path | None, deals: int, **sales: int | None) -> None:
    """Fill a database with realistic clients and their activities for the benchmarks (bench/data, docs/benchmarks.md)."""
    import asyncio

    from bench.context import bench_context
    from bench.data.generate import SALES_LATER, DataError, generate

    # Refused before anything is migrated or written: a sales option silently ignored would
    # leave a database that looks complete and is not.
    if asked := [f"--{name.replace('_', '-')}" for name in SALES_OPTIONS if sales.get(name) is not None]:
        die(f"{', '.join(asked)}: cannot be generated yet: {SALES_LATER}. Nothing was written.")
    check_url(database_url)
    url = database_url or f"sqlite:///{Path('bench-data.sqlite3').resolve()}"

    def progress(line: str) -> None:
        click.echo(f"bench data: {line}", err=True)

    with bench_context(url, clients=clients) as ctx:
        progress(f"database migrated for corp ({ctx.engine})")
        try:
            report = asyncio.run(generate(ctx.settings("corp"), clients, seed=seed, duplicates_share=duplicates_share,
                                          interactions=interactions, as_of=as_of.date() if as_of else None, deals=deals,
                                          files=files.resolve() if files else None, progress=progress))
        except DataError as exc:
            die(str(exc))
    click.echo(f"clients: {report.clients} ({report.duplicates} labelled duplicates, ground truth in table bench_duplicate)")
    click.echo(f"users: {report.users} in departments and teams; custom fields: {', '.join(report.custom_fields)}")
    click.echo(f"rows: {report.seconds['rows']:.1f} s, {report.rows_per_second:,.0f} rows/s (built and written)")
    if "activities" in report.seconds:
        click.echo(f"interactions: {report.interactions}, assignments: {report.tasks} (up to {report.as_of}, planned work after it)")
        click.echo(f"activities: {report.seconds['activities']:.1f} s, {report.activities_per_second:,.0f} rows/s (built and written)")
    if "deals" in report.seconds:
        click.echo(f"deals: {report.deals}, lines: {report.deal_lines}, stages entered: {report.stage_log} (a year up to {report.as_of})")
        click.echo(f"deals: {report.seconds['deals']:.1f} s, {report.deals_per_second:,.0f} rows/s (built and written)")
    for phase, seconds in report.seconds.items():
        if phase not in ("rows", "activities", "deals"):
            click.echo(f"{phase}: {seconds:.1f} s")
    click.echo(f"total: {report.total_seconds:.1f} s")
    click.echo(f"database size: {report.database_bytes / 2**20:,.1f} MiB")
    for path in report.files:
        click.echo(f"wrote {path}")
    for what, why in report.not_generated.items():
        click.echo(f"not generated: {what} — {why}")


@bench.command("profile")
@click.argument("paths", nargs=-1)
@click.option("--requests", type=click.IntRange(min=1), default=200, show_default=True, help="Requests per path, profiled (and as many timed without the profiler).")
@click.option("--top", type=click.IntRange(min=0), default=25, show_default=True, help="Functions with the most own time to list per path.")
@click.option("--clients", type=click.IntRange(min=1), default=None, help="Clients to generate when the database has none (default 20000).")
@click.option("--database-url", default=None, help="A throw-away database (default a temporary SQLite file; KLIENTELA_DATABASE_URL is ignored).")
def profile(paths: tuple[str, ...], requests: int, top: int, clients: int | None, database_url: str | None) -> None:
    """Where the time of one request goes: PATHS (default the P2/P3 list page and list API) under cProfile,
    own time folded into the parts of the request path (bench/profile.py, docs/benchmarks.md)."""
    from bench import profile as profiling
    from bench.context import bench_context
    from bench.queries import API_URL, LIST_URL, QUERY, query_string

    check_url(database_url)
    chosen = list(paths) or [f"{LIST_URL}?{query_string(QUERY)}", f"{API_URL}?{query_string(QUERY)}"]
    with bench_context(database_url, clients=clients) as ctx:
        click.echo(profiling.run(ctx, chosen, requests, top))

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
@click.option(
    "--database-url",
    default=None,
    help="A throw-away database to migrate and measure on (default a temporary SQLite file; "
    "KLIENTELA_DATABASE_URL is ignored so an instance is never touched).",
)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="JSON result file (default bench-results/<timestamp>.json and bench-results/latest.json).")
def run(names: tuple[str, ...], repeat: int | None, requests: int | None, calls: int | None, database_url: str | None, output: Path | None) -> None:
    """Measure the bars NAMES (ids like P6 or names like p6-page; all when none) and print the table.

    Never a test: a bar that is not met is reported, not failed. The exit
    status is 1 only when a bar could not be measured because of an error.
    """
    from datetime import datetime, timezone

    from bench import report
    from bench.context import bench_context
    from bench.runner import ERROR, UnknownBar, run as run_bars, select

    if database_url and not database_url.startswith(("sqlite:///", "postgresql://", "postgres://")):
        die("--database-url must start with sqlite:/// or postgresql://")
    try:
        bars = select(names)
    except UnknownBar as exc:
        die(str(exc))

    def progress(line: str) -> None:
        click.echo(f"bench: {line}", err=True)

    started = datetime.now(timezone.utc)
    with bench_context(database_url, repeat=repeat, requests=requests, calls=calls) as ctx:
        progress(f"database migrated for corp ({ctx.engine}); measuring {len(bars)} bar(s)")
        results = run_bars(bars, ctx, progress)
        meta = report.metadata(ctx, started, datetime.now(timezone.utc))
    click.echo(report.render(results, meta))
    for path in report.write_json(report.document(results, meta), output):
        click.echo(f"wrote {path}", err=True)
    if any(r.status == ERROR for r in results):
        raise SystemExit(1)

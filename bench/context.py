"""What a bench run measures against: one database, a scratch folder, the sizes.

The process uses one database engine (``core.db.engine``: one per process), so
the run pins ``KLIENTELA_*`` for itself and for the child processes it starts:
the instance's own ``klientela.toml`` and edition switches never leak into the
figures. The database is migrated for the corp edition before anything is
timed, so no measured start runs a migration.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from core.settings import ENV_PREFIX, Settings

DEFAULT_REPEAT = 9
DEFAULT_REQUESTS = 200
DEFAULT_CALLS = 10_000
DEFAULT_CLIENTS = 20_000
DEFAULT_LOAD_SECONDS = 10.0
DEFAULT_LOAD_ROUNDS = 3


@dataclass
class Context:
    database_url: str
    workdir: Path
    repeat: int = DEFAULT_REPEAT  # samples per side, after the warm-up
    warmup: int = 1
    requests: int = DEFAULT_REQUESTS  # requests per sample for page bars
    calls: int = DEFAULT_CALLS  # calls per sample for micro bars
    clients: int = DEFAULT_CLIENTS  # generated for the list bars when the database has no clients
    load_seconds: float = DEFAULT_LOAD_SECONDS  # one load-test run (P3)
    load_rounds: int = DEFAULT_LOAD_ROUNDS  # interleaved load-test runs per side (P3)
    rows: int | None = None  # table size for data bars (None: each bar's own default)
    python: str = sys.executable

    @property
    def engine(self) -> str:
        return "postgres" if self.database_url.startswith(("postgresql://", "postgres://")) else "sqlite"

    def settings(self, edition: str = "corp") -> Settings:
        """Settings of an app on the bench database, with nothing from the instance."""
        return Settings(
            edition=edition,
            database_url=self.database_url,
            data_dir=self.workdir,
            plugins_enable=[],
            plugins_disable=[],
            theme="default",
            debug=False,
        )

    def env(self) -> dict[str, str]:
        """The environment of a child process: this run's settings, nothing else."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
        env.update(pinned_env(self))
        return env


def pinned_env(ctx: Context) -> dict[str, str]:
    return {
        f"{ENV_PREFIX}DATA_DIR": str(ctx.workdir),
        f"{ENV_PREFIX}DATABASE_URL": ctx.database_url,
        f"{ENV_PREFIX}CONFIG": str(ctx.workdir / "absent.toml"),
        "PICCOLO_CONF": "core.db.piccolo_conf",
    }


def default_database_url(workdir: Path) -> str:
    return f"sqlite:///{workdir / 'bench.sqlite3'}"


# The administrator the measured pages are requested as (signed in once per client).
BENCH_ADMIN = ("bench-admin@klientela.example", "bench-admin-password")


def prepare(ctx: Context) -> list[str]:
    """Migrate the bench database for the corp edition (every plugin, every table),
    synchronise the stock roles and create the administrator the pages are requested as."""
    from core.auth.users import ensure_admin
    from core.db.bootstrap import bound_kernel, migrate_instance
    from core.permissions.roles import sync_builtin_roles

    async def run() -> list[str]:
        ran = await migrate_instance(ctx.settings("corp"))
        await sync_builtin_roles(bound_kernel(ctx.settings("corp")))
        await ensure_admin(*BENCH_ADMIN)
        return ran

    return asyncio.run(run())


@contextmanager
def bench_context(database_url: str | None = None, **sizes) -> Iterator[Context]:
    """A context for this process: scratch folder, pinned environment, migrated database.

    ``database_url`` defaults to a SQLite file in the scratch folder (removed
    afterwards). ``KLIENTELA_DATABASE_URL`` is deliberately ignored: the bench
    creates tables, and must never touch an instance's database by accident. Changes this process's
    environment, so call it once per process (the ``klientela bench`` command).
    """
    workdir = Path(tempfile.mkdtemp(prefix="klientela-bench-"))
    try:
        url = database_url or default_database_url(workdir)
        ctx = Context(database_url=url, workdir=workdir, **{k: v for k, v in sizes.items() if v is not None})
        for key in [k for k in os.environ if k.startswith(ENV_PREFIX)]:
            del os.environ[key]
        os.environ.update(pinned_env(ctx))
        prepare(ctx)
        yield ctx
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

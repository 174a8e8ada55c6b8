"""A real ``klientela serve`` (uvicorn) in a subprocess, on the tests' database.

Tests that must go through a real socket — Schemathesis over the OpenAPI
schema, Chromium driven by Playwright — share this fixture. The server reads
an instance file (edition and database URL) written to a temp dir, as an
initialised instance would have. Session cookies are not Secure here: the
browser talks plain http to 127.0.0.1.

The root conftest loads this module as a pytest plugin, so one server serves
the whole session; the fixture yields the base URL (``http://127.0.0.1:<port>``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

START_TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(database_url: str, folder: Path, edition: str = "corp", env: dict[str, str] | None = None) -> Iterator[str]:
    """Start ``klientela serve`` on a free port; yield its base URL; stop it on exit."""
    port = free_port()
    config = folder / "klientela.toml"
    from core.testing.fixtures import EXTRA_PLUGINS  # the session's klientela_plugins, served too

    enable = ", ".join(f'"{name}"' for name in EXTRA_PLUGINS)
    config.write_text(f'edition = "{edition}"\ndatabase_url = "{database_url}"\nplugins_enable = [{enable}]\n', encoding="utf-8")
    environ = {**os.environ, "KLIENTELA_CONFIG": str(config), "KLIENTELA_COOKIE_SECURE": "false", **(env or {})}
    log = (folder / "server.log").open("w+", encoding="utf-8")
    # The log goes to a file, not a pipe: a pipe nobody reads fills up and
    # blocks the server mid-run.
    proc = subprocess.Popen(
        [sys.executable, "-m", "core.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=environ, stdout=log, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(proc, base, log)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _wait_until_healthy(proc: subprocess.Popen, base: str, log) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            log.seek(0)
            raise RuntimeError(f"the server did not start:\n{log.read()[-3000:]}")
        time.sleep(0.2)


@pytest.fixture(scope="session")
def server(accounts, tmp_path_factory) -> Iterator[str]:
    """The corp edition served on the session database (migrated, admin created)."""
    try:
        # No in-process job worker: this server lives all session on the shared
        # database, and it would claim (and, not knowing their kinds, kill) the
        # jobs that later suites enqueue for their own workers.
        with running_server(accounts.database_url, tmp_path_factory.mktemp("serve"),
                            env={"KLIENTELA_JOBS_IN_PROCESS": "false"}) as base:
            yield base
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="module")
def two_servers(accounts, tmp_path_factory) -> Iterator[tuple[str, str]]:
    """Two app processes on the session database, each keeping principals and definitions
    in its own memory: a change made through one must hold on the next request to the other."""
    env = {"KLIENTELA_JOBS_IN_PROCESS": "false"}  # no job worker of theirs claims other tests' jobs
    with running_server(accounts.database_url, tmp_path_factory.mktemp("serve-a"), env=env) as a:
        with running_server(accounts.database_url, tmp_path_factory.mktemp("serve-b"), env=env) as b:
            yield a, b

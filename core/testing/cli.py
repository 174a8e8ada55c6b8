"""Run the real ``klientela`` command in a subprocess against its own instance."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Instance:
    """A data dir and a database, for CLI tests that must not share state."""

    data_dir: Path
    database_url: str
    extra_env: dict[str, str] | None = None
    # The interpreter that runs ``klientela``: another venv's, to test a plugin installed there.
    python: str = sys.executable

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KLIENTELA_") or k.startswith("KLIENTELA_TEST")}
        env.update(
            KLIENTELA_DATA_DIR=str(self.data_dir),
            KLIENTELA_DATABASE_URL=self.database_url,
            PICCOLO_CONF="core.db.piccolo_conf",
        )
        env.update(self.extra_env or {})
        return env

    def run(self, *args: str, input: str | None = None, check: bool = False, timeout: int = 120) -> subprocess.CompletedProcess:
        proc = subprocess.run(
            [self.python, "-m", "core.cli", *args],
            env=self.env(),
            capture_output=True,
            text=True,
            input=input,
            timeout=timeout,
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"klientela {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
        return proc

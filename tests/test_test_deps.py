"""scripts/test-deps.sh: what a fresh machine gets before the suite runs (dry runs: nothing is installed)."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "test-deps.sh"


def deps(*args: str, missing: str = "", lists: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "KLIENTELA_TEST_DEPS_PRETEND_MISSING": missing}
    if lists is not None:
        env["KLIENTELA_TEST_DEPS_APT_LISTS"] = str(lists)
    return subprocess.run(["bash", str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=60)


def test_a_missing_browser_on_a_fresh_machine_updates_the_lists_then_installs_chromium(tmp_path):
    run = deps("--dry-run", missing="chromium", lists=tmp_path)  # no package lists yet
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert "test deps: chromium missing (Debian: chromium)" in lines
    update = next(i for i, line in enumerate(lines) if line.startswith("would run:") and "apt-get update" in line)
    install = next(i for i, line in enumerate(lines) if line.startswith("would run:") and "apt-get install" in line)
    assert update < install and lines[install].endswith(" chromium")


def test_with_package_lists_present_it_installs_without_updating_first(tmp_path):
    (tmp_path / "deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4").touch()
    run = deps("--dry-run", missing="chromium postgresql", lists=tmp_path)
    assert run.returncode == 0, run.stderr
    commands = [line for line in run.stdout.splitlines() if line.startswith("would run:")]
    assert len(commands) == 1 and "apt-get install" in commands[0]
    assert commands[0].endswith("chromium postgresql postgresql-contrib")
    assert "only if that install fails" in run.stdout  # the update is the fallback, not the rule


def test_check_fails_on_a_missing_program_and_the_suite_runs_it_strictly():
    assert deps("--check", missing="chromium").returncode == 1
    assert deps("--bogus").returncode == 2
    test_sh = (ROOT / "scripts" / "test.sh").read_text()
    # Installed before the servers start, and a missing browser then fails instead of skipping.
    assert test_sh.index("scripts/test-deps.sh") < test_sh.index("scripts/pg.sh start")
    assert "export KLIENTELA_TEST_STRICT=1" in test_sh
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_the_load_generator_of_the_bench_smoke_test_comes_from_debian_too(tmp_path):
    (tmp_path / "deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4").touch()
    run = deps("--dry-run", missing="wrk", lists=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "test deps: wrk missing (Debian: wrk)" in run.stdout.splitlines()
    commands = [line for line in run.stdout.splitlines() if line.startswith("would run:")]
    assert commands[0].endswith("apt-get install -y -qq wrk")

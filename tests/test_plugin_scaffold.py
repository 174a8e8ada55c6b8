"""``klientela plugin new``: the scaffolded distribution works out of the box, from outside the repository.

One test, end to end, as a plugin author would go: scaffold, ``pip install``
into a venv beside the installed Klientela (``--system-site-packages`` plus a
``.pth`` onto the venv Klientela is installed in, the plugin with
``--no-deps``), run the plugin's own tests there on the suite's engine (the
suite runs on both), translate it with ``klientela i18n --plugin``, then
``klientela plugin enable`` on an existing instance and open its pages as the
administrator — without ``klientela db migrate``.

The slowest test of the suite: it runs a second pytest session (which
migrates the corp edition), five ``klientela`` commands and one app. Measured
on a two-core machine shared with seven other test runs (load average 12-16):
54 s on SQLite, 96 s on PostgreSQL; about 21 s of CPU on SQLite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from click.testing import CliRunner

from core.cli.main import cli
from core.testing.cli import Instance
from core.testing.databases import fresh_database_url, on_postgres
from tests.test_example_plugin import ADMIN, DRIVER, req

pytestmark = pytest.mark.slow

NAME = "fleet"


def _venv_beside_klientela(folder: Path) -> tuple[Path, Path]:
    """A venv that sees the installed Klientela and its dependencies without reinstalling them;
    returns its interpreter and its site-packages."""
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(folder)], check=True)
    python = folder / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    if sys.prefix != sys.base_prefix:
        # Klientela is itself in a venv (as in `make setup`): the new venv's "system"
        # packages are the base interpreter's, so point it at that venv's as well.
        (site / "klientela-beside.pth").write_text(
            f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n", encoding="utf-8")
    return python, site


def _plugin_test_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLIENTELA_")}
    env["KLIENTELA_TEST_DB"] = "postgres" if on_postgres() else "sqlite"
    if on_postgres():
        # Its own database: a session's fixtures reset the schema of the one they are given.
        env["KLIENTELA_TEST_PG_URL"] = fresh_database_url(tmp, "scaffold")
    return env


def test_a_scaffolded_plugin_installs_passes_its_tests_and_opens_after_enable(tmp_path):
    # klientela plugin new (in process: the command is pure file writing)
    made = CliRunner().invoke(cli, ["plugin", "new", NAME, "--path", str(tmp_path)])
    assert made.exit_code == 0, made.output
    source = tmp_path / f"klientela-{NAME}"
    assert (source / "pyproject.toml").is_file() and (source / "tests" / "conftest.py").is_file()
    again = CliRunner().invoke(cli, ["plugin", "new", NAME, "--path", str(tmp_path)])
    assert again.exit_code == 1 and "already exists" in again.output
    clash = CliRunner().invoke(cli, ["plugin", "new", "contacts", "--path", str(tmp_path)])
    assert clash.exit_code == 1 and "already installed" in clash.output

    python, site = _venv_beside_klientela(tmp_path / "venv")
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-build-isolation",
         "--no-index", "--disable-pip-version-check", "-q", str(source)],
        capture_output=True, text=True, timeout=300,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr

    # The plugin's own tests, on the suite's engine, against the installed copy
    # (-P: the source folder is not put on sys.path).
    own = subprocess.run(
        [str(python), "-P", "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=source, env=_plugin_test_env(tmp_path), capture_output=True, text=True, timeout=600,
    )
    assert own.returncode == 0, own.stdout[-5000:] + own.stderr[-3000:]
    assert "3 passed" in own.stdout, own.stdout[-2000:]

    inst = Instance(data_dir=tmp_path / "data", database_url=fresh_database_url(tmp_path, "fleet"), python=str(python))

    # Its translations: checked, and a new message is found in the installed folder.
    assert "every message has a ru translation" in inst.run("i18n", "check", "--plugin", NAME, check=True).stdout
    site_package = site / f"klientela_{NAME}"  # installed, not the source folder
    template = site_package / "templates" / NAME / "start.html"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "{% endblock %}", '<p>{{ _("Vehicles on the road") }}</p>\n{% endblock %}'), encoding="utf-8")
    missing = inst.run("i18n", "check", "--plugin", NAME)
    assert missing.returncode == 1 and f"{NAME}: Vehicles on the road" in missing.stdout, missing.stdout + missing.stderr
    inst.run("i18n", "extract", "--plugin", NAME, check=True)
    assert 'msgid "Vehicles on the road"' in (site_package / "locale" / "ru" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")

    # An existing corp instance; enabling migrates and equips the stock roles at once.
    inst.run("init", *ADMIN, check=True)
    # (The dry run's list of grants: tests/test_plugin_lifecycle.py.)
    out = inst.run("plugin", "enable", NAME, check=True).stdout
    assert f"applied {NAME}:" in out and f"role administrator: {NAME}.item.read: none -> all" in out
    assert f"role read_only: {NAME}.item.read: none -> all" in out
    assert "restart the server" in out

    pages = [req("GET", f"/{NAME}/"), req("GET", f"/{NAME}/item/"), req("GET", f"/{NAME}/item/new"),
             req("GET", f"/api/{NAME}/item"), req("GET", "/")]
    proc = subprocess.run([str(python), "-c", DRIVER, json.dumps([{"requests": pages}]), json.dumps([ADMIN[1], ADMIN[3]])],
                          env=inst.env(), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    [[start, listing, form, api, home]] = json.loads(proc.stdout.strip().splitlines()[-1])
    assert [r["status"] for r in (start, listing, form, api, home)] == [200] * 5, [r["text"][:300] for r in (start, listing, form, api)]
    assert "<h1>Fleet</h1>" in start["text"] and f'href="/{NAME}/"' in home["text"]

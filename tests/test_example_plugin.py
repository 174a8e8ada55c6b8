"""The example third-party plugin (examples/klientela-notes), installed for real.

pip builds and installs the distribution into a private folder; every check
then runs the real ``klientela`` command (and, for the web, a small script) in
a subprocess whose PYTHONPATH starts with that folder. So discovery goes
through the ``klientela.plugins`` entry point of an installed distribution,
exactly as on an integrator's machine, and the dev environment never carries
the plugin. Runs on the suite's engine (SQLite or PostgreSQL).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from core.testing.cli import Instance
from core.testing.databases import fresh_database_url, query, table_names

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "examples" / "klientela-notes"
ADMIN = ("--admin-email", "a@example.com", "--admin-password", "secret-pass-1")
# Every stock plugin depends on contacts, so an edition without contacts drops them all.
ON_CONTACTS = ["accounting_bridge", "marketing", "sales", "service"]

# Drives the app in its own process (the plugin is importable only there):
# argv[1] is a JSON list of {"settings": {...}, "requests": [{method, path, data}]};
# prints a JSON list (one per app) of lists of responses.
DRIVER = textwrap.dedent(
    """
    import asyncio, json, sys

    import httpx

    from core.app import create_app, shutdown, startup
    from core.settings import Settings
    from core.testing.clients import BASE_URL, login


    async def main(plan):
        out = []
        for step in plan:
            app = create_app(Settings(**step.get("settings", {})))
            await startup(app)
            try:
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
                    await login(client, *ADMIN)
                    results = []
                    for r in step["requests"]:
                        resp = await client.request(r["method"], r["path"], data=r.get("data"))
                        results.append({
                            "status": resp.status_code,
                            "location": resp.headers.get("location", ""),
                            "type": resp.headers.get("content-type", ""),
                            "text": resp.text,
                        })
                    out.append(results)
            finally:
                await shutdown(app)
        return out


    ADMIN = json.loads(sys.argv[2])
    print(json.dumps(asyncio.run(main(json.loads(sys.argv[1])))))
    """
)


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("notes-plugin")


@pytest.fixture(scope="module")
def site(work) -> Path:
    """``pip install`` the example into a private folder, from a copy of its source.

    A build without isolation writes build/ and *.egg-info beside the sources;
    the copy keeps those out of the repository.
    """
    import setuptools
    from packaging.version import Version

    if Version(setuptools.__version__) < Version("77"):
        pytest.fail(f"building the example needs setuptools>=77 (SPDX license), found {setuptools.__version__}")
    source = work / "src"
    shutil.copytree(SOURCE, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    target = work / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index",
         "--disable-pip-version-check", "--target", str(target), str(source)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (target / "klientela_notes" / "plugin.toml").exists()
    assert (target / "klientela_notes" / "templates" / "notes" / "list.html").exists()
    assert (target / "klientela_notes" / "static" / "notes" / "notes.css").exists()
    return target


def _pythonpath(site: Path) -> dict[str, str]:
    existing = os.environ.get("PYTHONPATH")
    return {"PYTHONPATH": os.pathsep.join([str(site)] + ([existing] if existing else []))}


def _edition(work: Path, name: str, text: str) -> Path:
    path = work / f"{name}.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def editions(work) -> dict[str, Path]:
    return {
        "with_notes": _edition(
            work,
            "with_notes",
            """
            name = "acme"
            extends = "corp"
            add_plugins = ["notes"]
            [add_features]
            notes = ["pinning"]
            """,
        ),
        "no_pinning": _edition(
            work,
            "no_pinning",
            """
            name = "acme_plain"
            extends = "corp"
            add_plugins = ["notes"]
            """,
        ),
        "no_contacts": _edition(
            work,
            "no_contacts",
            f"""
            name = "acme_bare"
            extends = "corp"
            add_plugins = ["notes"]
            remove_plugins = {json.dumps(ON_CONTACTS + ["contacts"])}
            [add_features]
            notes = ["pinning"]
            """,
        ),
    }


@pytest.fixture(scope="module")
def inst(work, site, editions) -> Instance:
    """An instance of the notes edition: its own data dir and a fresh database."""
    instance = Instance(
        data_dir=work / "data",
        database_url=fresh_database_url(work, "notes"),
        extra_env=_pythonpath(site),
    )
    out = instance.run("init", "--edition", str(editions["with_notes"]), *ADMIN, check=True).stdout
    assert "applied notes:" in out
    return instance


def drive(inst: Instance, *plan: dict) -> list[list[dict]]:
    """Run the web app in a subprocess with the instance's environment."""
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, json.dumps(list(plan)), json.dumps([ADMIN[1], ADMIN[3]])],
        env=inst.env(), capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def req(method: str, path: str, **data: str) -> dict:
    return {"method": method, "path": path, "data": data or None}


def notes_in_db(inst: Instance) -> list[tuple]:
    return sorted(query(inst.database_url, "SELECT title, body FROM notes_note"))


# --- discovery and editions (no database needed) -------------------------------


def test_installed_plugin_is_listed_and_described(work, site):
    with_site = Instance(work / "list-data", "sqlite:///" + str(work / "unused.sqlite3"), _pythonpath(site))
    without = Instance(work / "list-data", "sqlite:///" + str(work / "unused.sqlite3"))

    listed = with_site.run("plugin", "list", check=True).stdout
    assert any(line.split()[:3] == ["notes", "0.1.0", "disabled"] for line in listed.splitlines()), listed
    assert "broken" not in listed
    assert not any(line.split()[:1] == ["notes"] for line in without.run("plugin", "list", check=True).stdout.splitlines())

    info = with_site.run("plugin", "info", "notes", check=True).stdout
    assert "notes 0.1.0" in info
    assert "module: klientela_notes.plugin" in info and str(site) in info
    assert "contacts >=0.1" in info
    assert "pinning: Pinned notes" in info


def test_edition_with_notes_passes_check_and_one_without_contacts_is_refused(work, site, editions):
    cli = Instance(work / "check-data", "sqlite:///" + str(work / "unused.sqlite3"), _pythonpath(site))

    ok = cli.run("edition", "check", str(editions["with_notes"]))
    assert ok.returncode == 0, ok.stderr
    assert "notes" in ok.stdout.split("resolves to", 1)[1]

    refused = cli.run("edition", "check", str(editions["no_contacts"]))
    assert refused.returncode == 1
    assert "plugin 'notes' depends on 'contacts', but it is not enabled" in refused.stderr


# --- an instance with notes -------------------------------------------------------


def test_init_creates_the_notes_table(inst):
    assert "notes_note" in table_names(inst.database_url)
    status = inst.run("db", "status", check=True).stdout
    assert any(line.split()[:1] == ["notes"] and line.endswith("up to date") for line in status.splitlines()), status
    assert query(inst.database_url, "SELECT count(*) FROM notes_note") == [(0,)]


def test_disable_dry_run_keeps_the_table_and_lists_routes(inst):
    out = inst.run("plugin", "disable", "notes", "--dry-run", check=True).stdout
    kept = out.split("tables kept (data stays)", 1)[1].split("routes", 1)[0]
    assert "notes_note" in kept
    routes = out.split("routes (", 1)[1].split("menu items", 1)[0]
    assert "/notes" in routes and "/notes/pinned" in routes
    assert "notes -> /notes/" in out
    assert "notes.note.read" in out
    assert "dry run: nothing changed" in out


def test_web_pages_then_disable_keeps_data_and_enable_brings_it_back(inst, editions):
    [pages, plain] = drive(
        inst,
        {
            "requests": [
                req("GET", "/"),
                req("GET", "/notes/"),
                req("POST", "/notes/", title="  Call Anna back  ", body="About the spring order", pinned="on"),
                req("POST", "/notes/", title="Unpinned thought", body=""),
                req("GET", "/notes/"),
                req("POST", "/notes/", title="   ", body="typed text that must survive"),
                req("POST", "/notes/", title="x" * 201, body="long"),
                req("POST", "/notes/", title="Bad client", client="not-a-uuid"),
                req("GET", "/notes/pinned"),
                req("GET", "/static/notes/notes.css"),
                req("GET", "/notes/note/"),
                req("GET", "/api/notes/note"),
            ]
        },
        {"settings": {"edition": str(editions["no_pinning"])}, "requests": [req("GET", "/notes/pinned"), req("GET", "/notes/")]},
    )
    home, empty, created, created2, listed, blank, too_long, bad_client, pinned, css, entity_list, api = pages

    assert home["status"] == 200 and 'href="/notes/"' in home["text"]  # the menu entry
    assert empty["status"] == 200
    assert 'href="/notes/"' in empty["text"]
    assert '<link rel="stylesheet" href="/static/notes/notes.css">' in empty["text"]
    assert "0 notes" in empty["text"]  # the notes_count_label template global

    assert (created["status"], created["location"]) == (303, "/notes/")
    assert (created2["status"], created2["location"]) == (303, "/notes/")
    assert listed["status"] == 200 and "2 notes" in listed["text"]
    text = listed["text"]
    assert text.index("Unpinned thought") < text.index("Call Anna back")  # newest first
    assert "About the spring order" in text

    assert blank["status"] == 400
    assert "Title is required." in blank["text"]
    assert "typed text that must survive" in blank["text"]  # nothing typed is lost
    assert 'aria-invalid="true"' in blank["text"]
    assert too_long["status"] == 400 and "at most 200 characters" in too_long["text"]
    assert "x" * 201 in too_long["text"]
    assert bad_client["status"] == 400 and "Choose a client from the list." in bad_client["text"]
    assert 'value="Bad client"' in bad_client["text"]

    assert pinned["status"] == 200
    assert "Call Anna back" in pinned["text"] and "Unpinned thought" not in pinned["text"]
    assert css["status"] == 200 and css["type"].startswith("text/css") and ".notes-list" in css["text"]

    # The declared entity: core's list page and REST API over the same rows, through the gate.
    assert 'href="/notes/note/"' in listed["text"]  # the start page leads to it
    assert entity_list["status"] == 200 and "Call Anna back" in entity_list["text"]
    assert api["status"] == 200, api["text"][:500]
    assert sorted(n["title"] for n in json.loads(api["text"])["items"]) == ["Call Anna back", "Unpinned thought"]

    # An edition without the pinning feature has no pinned page.
    assert plain[0]["status"] == 404
    assert plain[1]["status"] == 200 and "/notes/pinned" not in plain[1]["text"]

    before = notes_in_db(inst)
    assert before == [("Call Anna back", "About the spring order"), ("Unpinned thought", "")]

    # Disabling hides the plugin and keeps every row.
    out = inst.run("plugin", "disable", "notes", check=True).stdout
    assert "done: disabled notes" in out
    assert notes_in_db(inst) == before
    [[home_off, notes_off]] = drive(inst, {"requests": [req("GET", "/"), req("GET", "/notes/")]})
    assert home_off["status"] == 200 and 'href="/notes/"' not in home_off["text"]
    assert notes_off["status"] == 404

    # Enabling again brings the same notes back: nothing lost, nothing migrated twice.
    out = inst.run("plugin", "enable", "notes", check=True).stdout
    assert "done: enabled notes" in out and "applied notes:" not in out
    [[back]] = drive(inst, {"requests": [req("GET", "/notes/")]})
    assert back["status"] == 200
    assert "Call Anna back" in back["text"] and "Unpinned thought" in back["text"] and "2 notes" in back["text"]
    assert notes_in_db(inst) == before

    # The demo hook adds its two sample notes once, however often it runs, and
    # after contacts loaded its clients (dependencies first), so they link one.
    demo = textwrap.dedent(
        """
        import asyncio
        from core.demo import load_demo_data
        from core.settings import Settings
        for _ in range(2):
            print(asyncio.run(load_demo_data(Settings())))
        """
    )
    proc = subprocess.run([sys.executable, "-c", demo], env=inst.env(), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    first_run = proc.stdout.splitlines()[0]
    assert first_run.index("demo data: contacts") < first_run.index("demo data: notes"), first_run
    assert len(notes_in_db(inst)) == len(before) + 2
    assert query(inst.database_url, "SELECT count(*) FROM notes_note WHERE client IS NOT NULL") == [(2,)]

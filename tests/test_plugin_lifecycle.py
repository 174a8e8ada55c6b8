"""Enable, disable, purge: the dry run predicts, disabling keeps every row (R8)."""

from core.testing.databases import query, table_names

ADMIN = ("--admin-email", "admin@example.com", "--admin-password", "correct-horse-1")
SERVICE_TABLES = {"service_request"}


def section(output: str, title: str) -> set[str]:
    """The indented values under one heading of a dry run's output."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(f"{title} ("))
    values = []
    for line in lines[start + 1:]:
        if not line.startswith("    "):
            break
        values.append(line.strip())
    return set(values)


def counts(url, tables):
    return {t: query(url, f"SELECT count(*) FROM {t}")[0][0] for t in sorted(tables)}


def seed(instance):
    """Demo data plus rows in service's own table."""
    instance.run("demo", "--no-serve", check=True)
    for n in range(5):
        sql = (
            "INSERT INTO service_request (id, subject, state, importance, version, custom, created_at, updated_at) "
            f"VALUES ('00000000-0000-7000-8000-00000000000{n}', 'Printer {n}', 'new', 'normal', 1, '{{}}', "
            "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        )
        script = (
            "import asyncio; from core.db.bootstrap import bound_kernel; from core.settings import Settings;"
            "from core.db.engine import get_engine; s = Settings(); bound_kernel(s);"
            f"asyncio.run(get_engine(s).run_ddl({sql!r}))"
        )
        import subprocess
        import sys

        subprocess.run([sys.executable, "-c", script], env=instance.env(), check=True)


def test_disable_keeps_data_and_enable_brings_it_back(instance):
    seed(instance)
    url = instance.database_url
    every = {t for t in table_names(url) if t.split("_")[0] in {"contacts", "sales", "marketing", "service", "accounting"}}
    before = counts(url, every)
    assert before["contacts_client"] > 0 and before["service_request"] == 5

    dry = instance.run("plugin", "disable", "service", "--dry-run", check=True).stdout
    assert "tables kept (data stays) (1):\n    service_request" in dry
    assert "/service" in dry and "service.request.read" in dry and "service: menu_items" in dry
    assert "dry run: nothing changed" in dry
    assert "service" not in (instance.data_dir / "klientela.toml").read_text()

    instance.run("plugin", "disable", "service", check=True)
    assert "disabled" in [line.split()[2] for line in instance.run("plugin", "list").stdout.splitlines() if line.startswith("service ")]
    assert counts(url, every) == before  # nothing dropped

    enable_dry = instance.run("plugin", "enable", "service", "--dry-run", check=True).stdout
    assert "tables to create" not in enable_dry  # its tables still exist
    instance.run("plugin", "enable", "service", check=True)
    assert counts(url, every) == before


def test_dependents_block_disable_and_purge_needs_disable_and_confirmation(instance):
    instance.run("init", *ADMIN, check=True)
    blocked = instance.run("plugin", "disable", "contacts")
    assert blocked.returncode == 1
    assert "cannot disable 'contacts': accounting_bridge, marketing, sales, service depend(s) on it" in blocked.stderr
    enabled = instance.run("plugin", "purge", "service", "--yes")
    assert enabled.returncode == 1 and "disable it before purging" in enabled.stderr
    instance.run("plugin", "disable", "service", check=True)
    unconfirmed = instance.run("plugin", "purge", "service", input="")
    assert unconfirmed.returncode == 1 and "--yes" in unconfirmed.stderr
    assert SERVICE_TABLES <= table_names(instance.database_url)


def test_purge_then_enable_dry_run_predicts_exactly(instance):
    instance.run("init", *ADMIN, check=True)
    url = instance.database_url
    instance.run("plugin", "disable", "service", check=True)
    purged = instance.run("plugin", "purge", "service", "--yes", check=True)
    assert "dropped service_request" in purged.stdout
    after_purge = table_names(url)
    assert not SERVICE_TABLES & after_purge

    dry = instance.run("plugin", "enable", "service", "--dry-run", check=True).stdout
    predicted = section(dry, "tables to create")
    assert table_names(url) == after_purge  # the dry run changed nothing

    instance.run("plugin", "enable", "service", check=True)
    assert table_names(url) - after_purge == predicted == SERVICE_TABLES
    status = instance.run("db", "status", check=True).stdout
    assert "service" in status and "pending" not in status


def test_enable_refuses_already_enabled_and_unknown(instance):
    instance.run("init", "--edition", "basic", *ADMIN, check=True)
    again = instance.run("plugin", "enable", "sales")
    assert again.returncode == 1 and "already enabled" in again.stderr
    ghost = instance.run("plugin", "enable", "ghost")
    assert ghost.returncode == 1 and "unknown plugin 'ghost'" in ghost.stderr


def admin_scope(url, permission):
    rows = query(url, "SELECT g.scope FROM core_role_grant g JOIN core_role r ON r.id = g.role "
                      f"WHERE r.key = 'administrator' AND g.permission = '{permission}'")
    return rows[0][0] if rows else None


def test_enable_grants_the_new_plugins_permissions_to_the_stock_roles(instance):
    """Enabling a plugin on a running instance equips the stock roles at once
    (before, its pages were 404 even for the administrator until `db migrate`)."""
    instance.run("init", *ADMIN, check=True)
    url = instance.database_url
    instance.run("plugin", "disable", "service", check=True)
    instance.run("db", "migrate", check=True)  # the sync drops the grants of a plugin no longer enabled
    assert admin_scope(url, "service.request.read") is None

    dry = instance.run("plugin", "enable", "service", "--dry-run", check=True).stdout
    grants = section(dry, "grants to stock roles")
    assert "administrator: service.request.read = all" in grants
    assert "service_engineer: service.request.read = team" in grants, grants
    assert admin_scope(url, "service.request.read") is None  # the dry run wrote nothing

    out = instance.run("plugin", "enable", "service", check=True).stdout
    assert admin_scope(url, "service.request.read") == "all"
    assert "role administrator: service.request.read: none -> all" in out
    assert "restart the server" in out

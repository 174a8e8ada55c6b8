"""The command line on a private instance: init, migrations, serve's refusal."""

import pytest

from core.testing.databases import query, table_names

ADMIN = ("--admin-email", "Admin@Example.com", "--admin-password", "correct-horse-1")


def test_init_creates_config_database_and_admin(instance):
    before = instance.run("db", "status")
    assert before.returncode == 1 and "pending" in before.stdout and "run: klientela db migrate" in before.stdout
    done = instance.run("init", "--edition", "standard", *ADMIN, check=True)
    assert "administrator admin@example.com created" in done.stdout
    config = (instance.data_dir / "klientela.toml").read_text()
    assert 'edition = "standard"' in config and "secret_key" in config
    assert {"core_user", "contacts_client", "sales_product", "accounting_bridge_peer"} <= table_names(instance.database_url)
    rows = query(instance.database_url, "SELECT email, is_admin, password_hash FROM core_user")
    assert len(rows) == 1 and rows[0][0] == "admin@example.com" and rows[0][1] in (1, True)
    assert rows[0][2].startswith("$argon2id$")
    status = instance.run("db", "status", check=True)
    assert "up to date" in status.stdout and "pending" not in status.stdout
    again = instance.run("init", "--edition", "standard", *ADMIN, check=True)  # re-running is safe
    assert "already exists" in again.stdout and "applied" not in again.stdout


def test_init_without_admin_and_no_terminal_explains(instance):
    refused = instance.run("init", input="")
    assert refused.returncode == 1
    assert "pass --admin-email and --admin-password" in refused.stderr


def test_init_refuses_bad_input_clearly(instance):
    weak = instance.run("init", "--admin-email", "a@example.com", "--admin-password", "short")
    assert weak.returncode == 1 and "at least 8 characters" in weak.stderr
    bad_mail = instance.run("init", "--admin-email", "not-an-email", "--admin-password", "long-enough-1")
    assert bad_mail.returncode == 1 and "not a valid email address" in bad_mail.stderr
    unknown = instance.run("init", "--edition", "platinum", *ADMIN)
    assert unknown.returncode == 1 and "unknown edition 'platinum'" in unknown.stderr
    bad_url = instance.run("init", "--database", "mysql://x", *ADMIN)
    assert bad_url.returncode == 1 and "database_url must start with sqlite:/// or postgresql://" in bad_url.stderr


def test_env_vars_drive_init(instance):
    instance.extra_env = {"KLIENTELA_ADMIN_EMAIL": "env@example.com", "KLIENTELA_ADMIN_PASSWORD": "from-the-env-1", "KLIENTELA_EDITION": "basic"}
    done = instance.run("init", check=True)
    assert "administrator env@example.com created" in done.stdout
    assert 'edition = "basic"' in (instance.data_dir / "klientela.toml").read_text()


def test_basic_edition_seat_limit_at_init(instance):
    instance.run("init", "--edition", "basic", *ADMIN, check=True)
    second = instance.run("init", "--edition", "basic", "--admin-email", "two@example.com", "--admin-password", "another-pass-1")
    assert second.returncode == 1 and "the edition allows 1 user(s); 1 already exist" in second.stderr


def test_serve_refuses_while_migrations_are_pending(instance):
    instance.run("init", *ADMIN, check=True)
    # A plugin switched on in the config file without migrating leaves its tables pending.
    instance.run("plugin", "disable", "accounting_bridge", check=True)
    instance.run("plugin", "purge", "accounting_bridge", "--yes", check=True)
    config = instance.data_dir / "klientela.toml"
    config.write_text(config.read_text().replace('plugins_disable = [\n    "accounting_bridge",\n]\n', ""))
    refused = instance.run("serve", "--port", "1")
    assert refused.returncode == 1
    assert "migration(s) pending; run: klientela db migrate" in refused.stderr


def test_serve_without_instance_says_how_to_create_one(instance):
    refused = instance.run("serve")
    assert refused.returncode == 1 and "run: klientela init" in refused.stderr


@pytest.mark.parametrize("args", [["plugin", "info", "ghost"], ["edition", "show", "ghost"]])
def test_unknown_names_are_errors(instance, args):
    result = instance.run(*args)
    assert result.returncode == 1 and "ghost" in result.stderr


def test_plugin_list_and_info(instance):
    listed = instance.run("plugin", "list", check=True).stdout
    for name in ("contacts", "sales", "marketing", "service", "accounting_bridge"):
        assert name in listed
    info = instance.run("plugin", "info", "accounting_bridge", check=True).stdout
    assert "depends: core <1,>=0.1, contacts >=0.1, sales >=0.1" in info
    assert "distributed: Distributed databases" in info

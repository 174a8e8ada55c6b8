"""The four stock editions follow the editions table; custom editions are checked."""

import pytest

from core.editions.loader import EditionError, check, load_edition, stock_editions
from core.plugins.discovery import discover
from core.plugins.resolver import ResolutionError

ALL = ("accounting_bridge", "contacts", "marketing", "sales", "service")

# Feature -> editions that have it, from the table in shared/spec/product.md.
TABLE = {
    "contacts.calendar": "basic standard prof corp",
    "contacts.email_client": "basic standard prof corp",
    "marketing.mailings": "basic standard prof corp",
    "marketing.surveys": "basic prof corp",
    "service.knowledge_base": "basic prof corp",
    "contacts.assignments": "standard prof corp",
    "sales.funnel": "standard prof corp",
    "core.documents": "standard prof corp",
    "sales.business_processes": "prof corp",
    "contacts.significant_events": "prof corp",
    "core.saved_views": "prof corp",
    "service.dispatching": "corp",
    "service.projects": "corp",
    "contacts.maps": "corp",
    "contacts.outlook_sync": "corp",
    "service.call_center": "corp",
    "core.custom_fields": "standard prof corp",
    "accounting_bridge.distributed": "prof corp",
    "core.performance_tools": "corp",
    "accounting_bridge.exchange": "basic standard prof corp",
}


@pytest.fixture(scope="module")
def catalog():
    return discover()


def test_stock_editions_exist_in_order():
    assert stock_editions() == ["basic", "standard", "prof", "corp"]


@pytest.mark.parametrize("name", ["basic", "standard", "prof", "corp"])
def test_stock_edition_resolves_to_the_table(name, catalog):
    edition, resolution = check(name, catalog)
    assert set(resolution.names) == set(ALL)
    assert resolution.names[0] == "contacts"  # everything depends on it
    for feature, editions in TABLE.items():
        assert (feature in resolution.features) == (name in editions.split()), feature
    # Every switchable feature of every plugin is placed in the table.
    declared = {f"{m.name}.{f}" for m in resolution.order for f in m.features} | {
        f"core.{f}" for f in catalog.core.features
    }
    assert declared == set(TABLE)


def test_only_basic_is_single_seat():
    assert load_edition("basic").max_users == 1
    assert all(load_edition(n).max_users is None for n in ("standard", "prof", "corp"))


def write(tmp_path, text, name="custom.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_integrator_edition_extends_and_adjusts(tmp_path, catalog):
    path = write(
        tmp_path,
        """
name = "acme"
extends = "prof"
remove_plugins = ["service"]
[add_features]
contacts = ["maps"]
[remove_features]
marketing = ["surveys"]
[limits]
max_users = 25
""",
    )
    edition, resolution = check(path, catalog)
    assert edition.name == "acme" and edition.lineage == ("standard", "prof")
    assert "service" not in resolution.names
    assert "contacts.maps" in resolution.features
    assert "marketing.surveys" not in resolution.features
    assert "core.saved_views" in resolution.features
    assert edition.max_users == 25


def test_edition_can_extend_another_file(tmp_path, catalog):
    write(tmp_path, 'extends = "basic"\n[limits]\nmax_users = 3\n', "base.toml")
    path = write(tmp_path, 'extends = "base.toml"\nadd_features = { sales = ["funnel"] }\n')
    edition, resolution = check(path, catalog)
    assert edition.max_users == 3 and "sales.funnel" in resolution.features


@pytest.mark.parametrize(
    "text, message",
    [
        ('extends = "prof"\nremove_plugins = ["contacts"]', "plugin 'marketing' depends on 'contacts', but it is not enabled"),
        ('extends = "prof"\nadd_plugins = ["crm9000"]', "unknown plugin 'crm9000'"),
        ('extends = "prof"\n[add_features]\ncontacts = ["teleport"]', "'contacts' has no feature 'teleport'"),
        ('extends = "gold"', "unknown edition 'gold'"),
        ('extends = "prof"\nplugins = ["contacts"]', "uses add_/remove_ keys"),
        ('plugins = ["contacts"]\nadd_plugins = ["sales"]', "add_plugins needs extends"),
        ('extends = "prof"\n[limits]\nmax_users = 0', "limits.max_users must be a whole number of at least 1"),
        ('extends = "prof"\n[limits]\nmax_clients = 5', "unknown limits ['max_clients']"),
        ('extends = "prof"\ncolour = "red"', "unknown keys ['colour']"),
        ("extends = ", "not valid TOML"),
    ],
)
def test_bad_editions_are_named(tmp_path, catalog, text, message):
    path = write(tmp_path, text)
    with pytest.raises((EditionError, ResolutionError)) as err:
        check(path, catalog)
    assert message in str(err.value)


def test_extends_loop_is_refused(tmp_path, catalog):
    write(tmp_path, 'extends = "two.toml"', "one.toml")
    write(tmp_path, 'extends = "one.toml"', "two.toml")
    with pytest.raises(EditionError, match="extends itself in a loop: one -> two -> one"):
        check(tmp_path / "one.toml", catalog)


def test_edition_check_command(instance, tmp_path):
    good = write(tmp_path, 'extends = "standard"\nadd_features = { contacts = ["maps"] }')
    ok = instance.run("edition", "check", str(good))
    assert ok.returncode == 0, ok.stderr
    assert "resolves to contacts, marketing, sales, accounting_bridge, service" in ok.stdout
    bad = write(tmp_path, 'extends = "standard"\nremove_plugins = ["sales"]', "bad.toml")
    refused = instance.run("edition", "check", str(bad))
    assert refused.returncode == 1
    assert "plugin 'accounting_bridge' depends on 'sales', but it is not enabled" in refused.stderr


def test_edition_list_and_show(instance):
    listed = instance.run("edition", "list", check=True).stdout
    assert [line.split()[0] for line in listed.splitlines()] == ["basic", "standard", "prof", "corp"]
    shown = instance.run("edition", "show", "prof", check=True).stdout
    assert "extends: standard" in shown
    assert "contacts 0.1.0  features: assignments, calendar, email_client, significant_events" in shown

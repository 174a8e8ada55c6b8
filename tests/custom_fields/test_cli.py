"""``klientela field ...`` on a private instance: the real command in a subprocess."""

import json

from core.testing.databases import query

ADMIN = ("--admin-email", "admin@example.com", "--admin-password", "correct-horse-1")


def test_field_commands(instance):
    instance.run("init", "--edition", "standard", *ADMIN, check=True)
    added = instance.run("field", "add", "contacts.client", "tier", "--type", "choice", "--label", "Tier",
                         "--choice", "gold=Gold|Золото", "--choice", "iron=Iron", "--indexed", check=True)
    assert "tier" in added.stdout
    listed = json.loads(instance.run("field", "list", "contacts.client", "--json", check=True).stdout)
    assert [(d["name"], d["type"], d["indexed"]) for d in listed] == [("tier", "choice", True)]
    assert listed[0]["choices"][0] == {"value": "gold", "label": {"en": "Gold", "ru": "Золото"}}
    # refusals are clear and change nothing
    bad = instance.run("field", "add", "contacts.client", "score", "--type", "integer", "--label", "Score", "--min", "5", "--max", "1")
    assert bad.returncode == 1 and "max_value" in bad.stderr
    unknown = instance.run("field", "add", "nowhere.thing", "x", "--type", "text", "--label", "X")
    assert unknown.returncode == 1 and "Unknown entity" in unknown.stderr
    assert instance.run("field", "edit", "contacts.client", "tier", "--label", "Level", "--required", check=False).returncode == 0
    assert "Level" in instance.run("field", "list", "contacts.client", check=True).stdout
    assert instance.run("field", "purge", "contacts.client", "tier", "--yes").returncode == 1  # not retired yet
    instance.run("field", "retire", "contacts.client", "tier", check=True)
    assert "(retired)" in instance.run("field", "list", "contacts.client", "--retired", check=True).stdout
    assert "no custom fields" in instance.run("field", "list", "contacts.client", check=True).stdout
    instance.run("field", "restore", "contacts.client", "tier", check=True)
    instance.run("field", "retire", "contacts.client", "tier", check=True)
    assert instance.run("field", "purge", "contacts.client", "tier").returncode == 1  # needs --yes
    purged = instance.run("field", "purge", "contacts.client", "tier", "--yes", check=True)
    assert "purged" in purged.stdout
    assert query(instance.database_url, "SELECT count(*) FROM core_custom_field")[0][0] == 0

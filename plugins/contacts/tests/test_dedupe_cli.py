"""``klientela dedupe scan`` on a private instance: the real command in a subprocess."""

import uuid

from core.testing.databases import query

def execute(url: str, sql: str) -> None:
    """A write outside the product (``query`` reads; on SQLite it never commits)."""
    if url.startswith("sqlite:///"):
        import sqlite3

        from core.db.engine import KlientelaConnection  # casefold(): the prefix indexes need it

        with sqlite3.connect(url[len("sqlite:///"):], factory=KlientelaConnection) as con:
            con.execute(sql)
    else:
        query(url, sql)  # asyncpg: autocommit


ADMIN = ("--admin-email", "admin@example.com", "--admin-password", "correct-horse-1")


def test_dedupe_scan_command(instance):
    instance.run("init", "--edition", "basic", *ADMIN, check=True)
    rows = [("ООО «Ромашка»", "7707083893", "+79161234567"), ("OOO Romashka", "", "8 (916) 123-45-67"),
            ("АО «Василёк»", "500100732259", "+79169998877")]
    for name, inn, phone in rows:
        execute(instance.database_url, "INSERT INTO contacts_client (id, name, inn, phone) "
              f"VALUES ('{uuid.uuid4()}', '{name}', '{inn}', '{phone}')")
    done = instance.run("dedupe", "scan", "--as", "admin@example.com", check=True, timeout=180)
    assert "3 clients, 1 matched pairs in 1 clusters" in done.stdout, done.stdout
    assert "ООО «Ромашка» = OOO Romashka: phone" in done.stdout or "OOO Romashka = ООО «Ромашка»: phone" in done.stdout
    assert query(instance.database_url, "SELECT count(*) FROM contacts_dedupe_match")[0][0] == 1
    # Bad input: a clear message, nothing stored.
    bad = instance.run("dedupe", "scan", "--as", "admin@example.com", "--rule", "fax")
    assert bad.returncode == 1 and "Unknown term" in bad.stderr
    nobody = instance.run("dedupe", "scan", "--as", "nobody@example.com")
    assert nobody.returncode == 1 and "no active user" in nobody.stderr
    region = instance.run("dedupe", "scan", "--as", "admin@example.com", "--region", "XX")
    assert region.returncode == 1 and "unknown phone region" in region.stderr
    assert query(instance.database_url, "SELECT count(*) FROM contacts_dedupe_scan")[0][0] == 1

"""Issue 15, items 5 and 6 on the command line: the encoding actually used is printed (given
or detected), a garbled reading is said and a detected one refused, the dry run prints the rows
as decoded, and a messy workbook's run says what it left out and changed."""

from __future__ import annotations

from tests.dataio.office_files import cp1251_latin_head, messy_xlsx

ADMIN = ("--admin-email", "admin@example.com", "--admin-password", "correct-horse-1")


def test_the_cli_says_how_it_read_the_file(instance, tmp_path):
    instance.run("init", "--edition", "basic", *ADMIN, check=True)
    old = cp1251_latin_head(tmp_path / "old.csv", latin=3000, cyrillic=300)

    dry = instance.run("import", "--lang", "en", "contacts.client", str(old), "--dry-run", check=True)
    assert "cp1251 (detected)" in dry.stdout and "cp1250" not in dry.stdout
    assert "First rows as read:" in dry.stdout and "  2: Latin Trading 0" in dry.stdout

    given = instance.run("import", "--lang", "en", "contacts.client", str(old), "--encoding", "cp1250", "--dry-run")
    assert given.returncode == 1 and "cp1250 (given)" in given.stdout  # what was used, not what a detector first thought
    assert "In cp1250 the text looks garbled" in given.stderr and "cp1251 reads it correctly" in given.stderr
    assert "Map at least one column" in given.stderr  # its garbled headers name no field

    book = messy_xlsx(tmp_path / "clients.xlsx")
    done = instance.run("import", "--lang", "en", "contacts.client", str(book), check=True)
    assert "sheet Клиенты" in done.stdout and "Справка" in done.stdout and "Код" in done.stdout
    assert "3 rows read: 3 records created" in done.stdout
    assert "totals row is skipped: line 8 (Итого)" in done.stdout
    assert "leading zeros restored in 1 value" in done.stdout

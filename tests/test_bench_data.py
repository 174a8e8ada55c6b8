"""The benchmark data generator (``bench/data``, ``klientela bench data``) at a tiny size.

The row stream is checked in process (determinism, tax ids, duplicates,
values the gate would accept unchanged); the command is run twice in
subprocesses on fresh databases of the suite's engine (the generator
migrates and fills its own database, while this process's engine is fixed
by ``core.testing.fixtures``) and what it wrote is read back directly.
"""

from __future__ import annotations

import csv
import sqlite3
from types import SimpleNamespace

import pytest
from stdnum.ru import inn as stdnum_inn

from bench.data.duplicates import CHANGES
from bench.data.records import translit
from bench.data.rows import client_chunks
from core.testing.cli import Instance
from core.testing.databases import fresh_database_url

CLIENTS = 300
OWNERS = 24


def records(seed: int, count: int = CLIENTS, share: float = 0.05):
    chunks = list(client_chunks(seed, count, share, OWNERS, chunk=128))
    return [r for c in chunks for r in c.records], [t for c in chunks for t in c.truth]


def plain(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items()} for r in rows]


def test_same_seed_same_rows_other_seed_other_rows():
    first, truth = records(7)
    again, truth_again = records(7)
    other, _ = records(8)
    assert plain(first) == plain(again) and truth == truth_again
    assert [r["name"] for r in first] != [r["name"] for r in other]
    assert len(first) == CLIENTS and len({r["id"] for r in first}) == CLIENTS
    assert [r["id"] for r in first] == sorted(r["id"] for r in first)  # UUIDv7: time-ordered like the product's


def test_valid_tax_ids_pass_stdnum_and_invalid_ones_do_not():
    rows, _ = records(3, 2000, 0.0)
    with_inn = [r for r in rows if r["inn"]]
    valid = [r for r in with_inn if r["_inn_valid"]]
    invalid = [r for r in with_inn if not r["_inn_valid"]]
    assert valid and invalid
    assert all(stdnum_inn.is_valid(r["inn"]) for r in valid)
    assert not any(stdnum_inn.is_valid(r["inn"]) for r in invalid)
    assert {len(r["inn"]) for r in with_inn} == {10, 12}  # companies and people
    assert {r["kind"] for r in rows} == {"company", "person"}
    assert any(translit(r["name"]) != r["name"] for r in rows) and any(r["_english"] for r in rows)


def test_duplicates_are_labelled_with_what_changed():
    rows, truth = records(11, 1000, 0.1)
    by_id = {r["id"]: r for r in rows}
    position = {r["id"]: i for i, r in enumerate(rows)}
    assert 50 <= len(truth) <= 160
    for original_id, duplicate_id, changes in truth:
        original, duplicate = by_id[original_id], by_id[duplicate_id]
        assert position[original_id] < position[duplicate_id]
        labels = changes.split(",")
        assert labels and set(labels) <= set(CHANGES)
        assert original["_digits"] == duplicate["_digits"]  # the same number, however typed
        if "phone_format" in labels:
            assert duplicate["phone"] != original["phone"]
        if "translit" in labels:
            assert not any("а" <= c.lower() <= "я" for c in duplicate["name"])
        if "no_inn" in labels:
            assert duplicate["inn"] == "" and original["inn"]
        if "no_email" in labels:
            assert duplicate["email"] == ""
        if "email_other" in labels:
            assert duplicate["email"] and duplicate["email"].lower() != original["email"].lower()
        if not {"typo", "translit"} & set(labels):
            assert duplicate["name"] == original["name"]


def test_records_are_what_the_gate_would_store_unchanged():
    from core.entities.validation import validate
    from plugins.contacts.entities import CLIENT

    rows, _ = records(5)
    for row in rows:
        data = {k: row[k] for k in ("name", "kind", "inn", "email", "phone") if row[k] != ""}
        clean, errors = validate(list(CLIENT.fields), data, partial=False)
        assert not errors, (row, errors)
        assert {k: clean[k] for k in data} == data


# -- the command, on the suite's engine ----------------------------------------------


async def fetch(url: str, sql: str) -> list[dict]:
    if url.startswith("sqlite:///"):
        con = sqlite3.connect(url[len("sqlite:///"):])
        con.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in con.execute(sql)]
        finally:
            con.close()
    import asyncpg

    con = await asyncpg.connect(url)
    try:
        return [dict(r) for r in await con.fetch(sql)]
    finally:
        await con.close()


ROWS_SQL = ('SELECT c.id, c.created_at, c.name, c.kind, c.inn, c.email, c.phone, c.search_text, c.custom, '
            'c.version, c.deleted_at, u.email AS owner FROM contacts_client c JOIN core_user u ON u.id = c.owner_id ORDER BY c.id')


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bench-data")
    runs = []
    for label in ("one", "two"):
        url = fresh_database_url(tmp, f"gen{label}")
        files = tmp / f"files-{label}"
        proc = Instance(data_dir=tmp / f"data-{label}", database_url=url).run(
            "bench", "data", "--clients", str(CLIENTS), "--seed", "5", "--database", url, "--files", str(files), timeout=240)
        assert proc.returncode == 0, f"klientela bench data failed:\n{proc.stdout}\n{proc.stderr}"
        runs.append((url, files, proc.stdout))
    return runs


@pytest.mark.slow
async def test_command_writes_the_count_and_the_same_rows_for_the_same_seed(generated):
    (url_one, _, out), (url_two, _, _) = generated
    one, two = await fetch(url_one, ROWS_SQL), await fetch(url_two, ROWS_SQL)
    assert len(one) == CLIENTS
    assert one == two
    assert f"clients: {CLIENTS}" in out and "rows/s" in out
    assert "not generated: interactions" in out and "not generated: deals, invoices, sales lines" in out
    owners = {r["owner"] for r in one}
    assert len(owners) > 10 and all(o.startswith("sales-") for o in owners)  # spread over the sales managers
    assert all(r["version"] == 1 and r["deleted_at"] is None for r in one)


@pytest.mark.slow
async def test_search_text_is_the_gates_and_the_search_index_is_built(generated):
    from core.permissions.gate import Gate
    from plugins.contacts.entities import CLIENT

    url, _, _ = generated[0]
    rows = await fetch(url, ROWS_SQL)
    gate_like = SimpleNamespace(entity=CLIENT)  # the gate's own method; it reads only the entity
    assert all(r["search_text"] == Gate._search_text(gate_like, r) for r in rows)
    assert all('"segment"' in str(r["custom"]) and '"address"' in str(r["custom"]) for r in rows)
    probe = next(r for r in rows if len(r["inn"]) >= 10)
    if url.startswith("sqlite:///"):
        hits = await fetch(url, f"SELECT rowid FROM contacts_client_search WHERE search_text LIKE '%{probe['inn']}%'")
        triggers = await fetch(url, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'contacts_client_search_%'")
        assert hits and len(triggers) == 3
    else:
        assert await fetch(url, "SELECT 1 FROM pg_indexes WHERE indexname = 'contacts_client_search_trgm'")


@pytest.mark.slow
async def test_ground_truth_and_files(generated):
    from openpyxl import load_workbook

    url, files, out = generated[0]
    truth = await fetch(url, "SELECT original_id, duplicate_id, changes FROM bench_duplicate")
    ids = {str(r["id"]) for r in await fetch(url, ROWS_SQL)}
    assert truth and f"({len(truth)} labelled duplicates" in out
    assert all(str(t["original_id"]) in ids and str(t["duplicate_id"]) in ids for t in truth)
    with open(files / "clients.csv", encoding="utf-8", newline="") as f:
        table = list(csv.DictReader(f))
    assert len(table) == CLIENTS and {r["ref"] for r in table} == ids
    with open(files / "duplicates.csv", encoding="utf-8", newline="") as f:
        assert len(list(csv.DictReader(f))) == len(truth)
    sheet = load_workbook(files / "clients.xlsx", read_only=True)["clients"]
    assert sum(1 for _ in sheet.iter_rows()) == CLIENTS + 1


@pytest.mark.slow
def test_a_database_with_clients_is_refused(generated):
    url, _, _ = generated[0]
    proc = Instance(data_dir=generated[0][1].parent / "again", database_url=url).run(
        "bench", "data", "--clients", "10", "--database", url, timeout=240)
    assert proc.returncode != 0 and "already holds" in (proc.stdout + proc.stderr)

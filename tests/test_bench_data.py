"""The benchmark data generator (``bench/data``, ``klientela bench data``) at a tiny size.

The row streams are checked in process (determinism, tax ids, duplicates,
values the gate would accept unchanged; the clients' activities: exact
count, their clients, times, statuses, owners, skew); the command is run twice in
subprocesses on fresh databases of the suite's engine (the generator
migrates and fills its own database, while this process's engine is fixed
by ``core.testing.fixtures``) and what it wrote is read back directly.
"""

from __future__ import annotations

import csv
import sqlite3
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from stdnum.ru import inn as stdnum_inn

from bench.data.activities import ActivityMaker, check
from bench.data.duplicates import CHANGES
from bench.data.records import translit
from bench.data.rows import SPAN, START, client_chunks
from bench.data.seasons import Calendar
from bench.data.tables import INTERACTION, target
from core.testing.cli import Instance
from core.testing.databases import fresh_database_url

CLIENTS = 300
DEALS = 600
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


# -- activities: interactions and assignments -------------------------------------------

AS_OF = date(2026, 6, 1)
AS_OF_TIME = datetime(2026, 6, 1, tzinfo=timezone.utc)


def activities(seed: int, clients: int = 2000, total: int = 6000, as_of: date = AS_OF, tasks: bool = True):
    chunks = list(client_chunks(seed, clients, 0.05, OWNERS, chunk=500))
    maker = ActivityMaker(seed, total, clients, OWNERS, Calendar(as_of), tasks=tasks)
    made = [maker.for_chunk(c.records) for c in chunks]
    return ([r for c in chunks for r in c.records], [r for m in made for r in m.interactions], [r for m in made for r in m.tasks])


def test_activities_same_seed_same_rows_exact_count_and_their_clients_exist():
    clients, interactions, tasks = activities(3)
    _, again, tasks_again = activities(3)
    _, other, _ = activities(4)
    assert interactions == again and tasks == tasks_again
    assert [r["subject"] for r in interactions[:50]] != [r["subject"] for r in other[:50]]
    assert len(interactions) + len(tasks) == 6000 and 0.05 < len(tasks) / 6000 < 0.15
    ids = {r["id"] for r in interactions + tasks}
    assert len(ids) == 6000
    created = {r["id"]: r["created_at"] for r in clients}
    assert all(r["client"] in created for r in interactions + tasks)
    # Never before the client existed, never entered after the reference day.
    assert all(r["starts_at"] > created[r["client"]] and r["created_at"] >= created[r["client"]] for r in interactions)
    assert all(r["created_at"] <= AS_OF_TIME and r["created_at"] <= r["updated_at"] for r in interactions + tasks)
    follows = {r["id"]: r for r in interactions}
    assert any(r["previous"] for r in interactions)
    for r in interactions:
        if r["previous"]:
            earlier = follows[r["previous"]]
            assert earlier["client"] == r["client"] and earlier["status"] == "done" and earlier["starts_at"] <= r["starts_at"]


def test_activities_kinds_statuses_and_times():
    _, interactions, tasks = activities(5, total=20000)
    assert set(Counter(r["kind"] for r in interactions)) == {"call", "meeting", "letter", "email", "note"}
    future = [r for r in interactions if r["starts_at"] >= AS_OF_TIME]
    past = [r for r in interactions if r["starts_at"] < AS_OF_TIME]
    assert future and {r["status"] for r in future} <= {"planned", "cancelled"}
    done = sum(r["status"] == "done" for r in past) / len(past)
    overdue = [r for r in past if r["status"] == "planned"]
    assert 0.8 < done < 0.97 and overdue  # mostly done, some still open
    assert min(r["starts_at"] for r in interactions) >= datetime(2023, 6, 1, tzinfo=timezone.utc)  # three years back
    assert all(r["status"] == "done" for r in interactions if r["kind"] == "note")
    weekdays = Counter(r["starts_at"].weekday() for r in interactions)
    assert weekdays[6] * 10 < weekdays[2] and weekdays[5] * 5 < weekdays[2]  # weekends are quiet
    months = Counter(r["starts_at"].month for r in past)
    assert months[7] + months[8] < months[10] + months[11]  # the summer holidays (2023-2025 each once)
    new_year = sum(1 for r in past if r["starts_at"].month == 1 and r["starts_at"].day <= 8)
    late_january = sum(1 for r in past if r["starts_at"].month == 1 and 15 <= r["starts_at"].day <= 22)
    assert new_year * 3 < late_january
    assert all(r["deadline"].minute == 0 for r in tasks)
    assert {r["status"] for r in tasks if r["deadline"] >= AS_OF_TIME} <= {"new", "accepted", "returned"}
    assert any(r["status"] != "done" for r in tasks if r["deadline"] < AS_OF_TIME)  # overdue assignments


def test_activities_are_skewed_and_owned_by_plausible_users():
    clients, interactions, tasks = activities(6, clients=3000, total=9000)
    per_client = Counter(r["client"] for r in interactions + tasks)
    assert max(per_client.values()) >= 10 * 3  # a few clients have many
    assert len(per_client) < 0.9 * len(clients)  # and many have none
    owner = {r["id"]: r["_owner"] for r in clients}
    mine = sum(r["owner_id"] == owner[r["client"]] for r in interactions) / len(interactions)
    assert 0.8 < mine < 0.95
    assert all(0 <= r["owner_id"] < OWNERS for r in interactions + tasks)  # managers: assignees and people in touch
    authors = {r["created_by"] for r in tasks}
    assert any(a >= OWNERS for a in authors)  # heads of department give assignments too


def test_activities_stream_leaves_the_clients_alone_and_folds_tasks_when_there_is_no_table():
    before, _ = records(3, 2000)
    clients, interactions, tasks = activities(3, tasks=False)
    assert plain(clients) == plain(before)
    assert not tasks and len(interactions) == 6000


def test_bad_sizes_and_reference_days_are_refused():
    with pytest.raises(ValueError, match="negative"):
        check(-1, 10, AS_OF)
    with pytest.raises(ValueError, match="need clients"):
        check(5, 0, AS_OF)
    last_client = (START + SPAN).date()
    with pytest.raises(ValueError, match=f"must not be before {last_client}"):
        check(5, 10, last_client - timedelta(days=1))
    check(5, 10, last_client + timedelta(days=1))
    check(0, 10, date(2020, 1, 1))  # no activities: any day


async def test_no_interaction_table_means_a_reason_not_rows():
    why = await target(SimpleNamespace(entities={}), INTERACTION, str)
    assert isinstance(why, str) and "no entity contacts.interaction" in why


@pytest.mark.slow
def test_sales_options_are_refused_with_the_reason(tmp_path):
    url = fresh_database_url(tmp_path, "sales")
    proc = Instance(data_dir=tmp_path / "data", database_url=url).run(
        "bench", "data", "--clients", "10", "--sales-lines", "1000", "--invoices", "5", "--database", url, timeout=120)
    assert proc.returncode != 0
    assert "--invoices, --sales-lines: cannot be generated yet" in proc.stderr and "sales plugin" in proc.stderr


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


ACTIVITIES_SQL = {
    "interactions": "SELECT * FROM contacts_interaction ORDER BY id",
    "tasks": "SELECT * FROM contacts_task ORDER BY id",
}
USER_COLUMNS = ("owner_id", "created_by", "updated_by")


async def activity_rows(url: str, name: str) -> list[dict]:
    """The table's rows with users as e-mails: user ids are random, a run's users are the same people."""
    emails = {str(r["id"]): r["email"] for r in await fetch(url, "SELECT id, email FROM core_user")}
    rows = await fetch(url, ACTIVITIES_SQL[name])
    return [{**r, **{c: emails[str(r[c])] for c in USER_COLUMNS}} for r in rows]
ROWS_SQL = ('SELECT c.id, c.created_at, c.name, c.kind, c.inn, c.email, c.phone, c.search_text, c.custom, '
            'c.version, c.deleted_at, u.email AS owner FROM contacts_client c JOIN core_user u ON u.id = c.owner_id ORDER BY c.id')


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bench-data")
    runs = []
    for label in ("one", "two"):
        url = fresh_database_url(tmp, f"gen{label}")
        files = tmp / f"files-{label}"
        # Interactions by default (3 per client); --as-of fixes the day they are dated from.
        proc = Instance(data_dir=tmp / f"data-{label}", database_url=url).run(
            "bench", "data", "--clients", str(CLIENTS), "--seed", "5", "--as-of", "2026-06-01", "--database", url,
            "--files", str(files), "--deals", str(DEALS), timeout=240)
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
    assert "not generated: interactions" not in out and "not generated: invoices, sales lines" in out
    owners = {r["owner"] for r in one}
    assert len(owners) > 10 and all(o.startswith("sales-") for o in owners)  # spread over the sales managers
    assert all(r["version"] == 1 and r["deleted_at"] is None for r in one)


@pytest.mark.slow
async def test_command_writes_interactions_of_existing_clients_the_same_for_the_same_seed(generated):
    (url_one, _, out), (url_two, _, _) = generated
    one = {name: await activity_rows(url_one, name) for name in ACTIVITIES_SQL}
    two = {name: await activity_rows(url_two, name) for name in ACTIVITIES_SQL}
    assert one == two
    assert len(one["interactions"]) + len(one["tasks"]) == 3 * CLIENTS and one["tasks"]
    assert f"interactions: {len(one['interactions'])}, assignments: {len(one['tasks'])} (up to 2026-06-01" in out
    for table in ("contacts_interaction", "contacts_task"):
        orphans = await fetch(url_one, f'SELECT count(*) AS n FROM "{table}" a LEFT JOIN contacts_client c ON c.id = a.client WHERE c.id IS NULL')
        assert orphans[0]["n"] == 0
    owners = {r["owner_id"] for r in one["interactions"]}
    assert len(owners) > 10 and all(o.startswith("sales-") for o in owners)
    assert any(r["created_by"].startswith("head-") for r in one["tasks"])
    assert {r["status"] for r in one["interactions"]} == {"planned", "done", "cancelled"}
    assert all(r["version"] >= 1 and r["deleted_at"] is None for r in one["interactions"] + one["tasks"])


@pytest.mark.slow
async def test_activities_are_what_the_gate_would_store_and_their_search_index_is_built(generated):
    """Rows written around the ORM hold what the gate writes: valid values, its search text."""
    from core.entities.validation import validate
    from core.permissions.gate import Gate
    from plugins.contacts.entities import INTERACTION as INTERACTION_ENTITY, TASK

    url, _, _ = generated[0]
    # Read-only fields (the follow-up link, a task's workflow status and result) are the workflow's to write.
    for name, entity, skip in (("interactions", INTERACTION_ENTITY, ("previous",)), ("tasks", TASK, ("status", "result"))):
        rows = await fetch(url, ACTIVITIES_SQL[name])
        gate_like = SimpleNamespace(entity=entity)  # the gate's own method; it reads only the entity
        assert all(r["search_text"] == Gate._search_text(gate_like, r) for r in rows)
        for row in rows[:50]:
            names = [f.name for f in entity.fields if f.name not in skip and row.get(f.name) not in (None, "")]
            data = {n: str(row[n]) if n == "client" else row[n] for n in names}
            _, errors = validate([f for f in entity.fields if f.name in names], data, partial=False)
            assert not errors, (row, errors)
    if url.startswith("sqlite:///"):
        triggers = await fetch(url, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'contacts_interaction_search_%'")
        indexed = await fetch(url, "SELECT count(*) AS n FROM contacts_interaction_search WHERE search_text LIKE '%ll%' OR search_text LIKE '%зво%'")
        assert len(triggers) == 3 and indexed[0]["n"] > 0  # filled from the loaded rows
    else:
        assert await fetch(url, "SELECT 1 FROM pg_indexes WHERE indexname = 'contacts_interaction_search_trgm'")


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


DEALS_SQL = ('SELECT d.id, d.name, d.client, s.name AS stage, d.status, d.amount, d.probability, d.closed_at, '
             'd.stage_entered_at, d.lost_reason, d.version FROM sales_deal d JOIN sales_stage s ON s.id = d.stage ORDER BY d.id')


@pytest.mark.slow
async def test_command_writes_deals_with_lines_and_a_stage_history_the_same_for_the_same_seed(generated):
    """Deals are the seed's, their amounts the exact sums of their lines, their history a walk through the stages."""
    from decimal import Decimal

    (url, _, out), (url_two, _, _) = generated
    deals = await fetch(url, DEALS_SQL)
    assert deals == await fetch(url_two, DEALS_SQL)
    assert len(deals) == DEALS and f"deals: {DEALS}, lines:" in out
    lines = await fetch(url, "SELECT deal, amount FROM sales_deal_line")
    log = await fetch(url, "SELECT l.deal, l.stage, l.from_stage, l.entered_at, s.outcome, s.position, l.pipeline, "
                           "s.pipeline AS stage_pipeline FROM sales_deal_stage_log l JOIN sales_stage s ON s.id = l.stage "
                           "ORDER BY l.deal, l.entered_at")
    sums: dict = {}
    for line in lines:
        sums[str(line["deal"])] = sums.get(str(line["deal"]), Decimal(0)) + Decimal(str(line["amount"]))
    by_deal: dict = {}
    for entry in log:
        by_deal.setdefault(str(entry["deal"]), []).append(entry)
        assert str(entry["pipeline"]) == str(entry["stage_pipeline"])
    statuses = Counter(d["status"] for d in deals)
    assert statuses["won"] and statuses["lost"] and statuses["open"]
    skipped = 0
    for deal in deals:
        assert Decimal(str(deal["amount"])).quantize(Decimal("0.01")) == sums[str(deal["id"])]
        history = by_deal[str(deal["id"])]
        assert history[0]["from_stage"] is None and history[0]["position"] == 0  # created at the first stage
        assert history[-1]["outcome"] == deal["status"]
        assert str(history[-1]["entered_at"]) == str(deal["stage_entered_at"])
        assert all(str(b["from_stage"]) == str(a["stage"]) for a, b in zip(history, history[1:]))
        opened = [h["position"] for h in history if h["outcome"] == "open"]
        assert opened == sorted(opened)
        skipped += any(b - a > 1 for a, b in zip(opened, opened[1:]))
        assert (deal["closed_at"] is None) == (deal["status"] == "open")
        assert bool(deal["lost_reason"]) == (deal["status"] == "lost")
    assert skipped  # some deals skip a stage

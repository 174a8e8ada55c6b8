"""Bookkeeping of the duplicate search: scans, their matches, merges.

No client data is copied here except the before-images a merge keeps for
undo; a report stores record ids and why they matched, and the names shown
are read through the query gate when the report is viewed.
"""

from piccolo.columns import UUID, Integer, Real, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.entities.base import new_id


class DedupeScan(Table, tablename="contacts_dedupe_scan"):
    id = UUID(primary_key=True, default=new_id)
    user_id = UUID(null=True, default=None, index=True)  # whose permissions the scan read with
    job_id = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)
    status = Varchar(length=16, default="running")  # running, done, failed
    rules = Text(default="{}")  # RuleSet.to_json()
    stats = Text(default="{}")  # records, candidates, pairs, clusters, seconds per phase
    error = Text(default="")


class DedupeMatch(Table, tablename="contacts_dedupe_match"):
    """One matched pair of a scan, with the rule that matched it; ``cluster`` numbers the groups."""

    id = UUID(primary_key=True, default=new_id)
    scan_id = UUID(index=True)
    cluster = Integer()
    record_a = UUID()
    record_b = UUID()
    rule = Varchar(length=200)
    score = Real(null=True, default=None)


class DedupeMerge(Table, tablename="contacts_dedupe_merge"):
    """A merge: who, which records, the before-images and the moves, so it can be undone."""

    id = UUID(primary_key=True, default=new_id)
    entity = Varchar(length=80)
    user_id = UUID(null=True, default=None, index=True)
    at = Timestamptz(default=TimestamptzNow())
    survivor_id = UUID(index=True)
    merged_ids = Text(default="[]")  # JSON list of ids
    before = Text(default="{}")  # JSON: id -> stored row before the merge
    changes = Text(default="{}")  # JSON: field -> value written to the survivor
    moves = Text(default="[]")  # JSON: [{table, column, ids, from}] related rows moved to the survivor
    undone_at = Timestamptz(null=True, default=None)
    undone_by = UUID(null=True, default=None)


TABLES = [DedupeScan, DedupeMatch, DedupeMerge]


def bind() -> None:
    """Use the process's engine (as ``core.db.bootstrap`` does for the app's table classes)."""
    from core.db.engine import bind_tables, get_engine

    engine = get_engine()
    if DedupeScan._meta.db is not engine:
        bind_tables(TABLES, engine)

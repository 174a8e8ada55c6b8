"""Import runs, their rejected rows, and saved column mappings (app ``core_dataio``).

``core_dataio_run`` is an import's checkpoint: ``next_line`` and the counters
are written in the same transaction as the batch they count, so after a
crash or a kill -9 the run continues at the first line no committed batch
holds — never twice, never half a batch (R1).

Two scratch tables are hand-written in the migration (they need composite
primary keys Piccolo's tables do not declare): ``core_dataio_seen`` (run,
key → first line: a key seen twice in one file rejects the later row, also
across batches) and ``core_dataio_xkey`` (entity, external key → record: what
an "external key" upsert matches on when the key is no field of the entity).
``core_dataio_touched`` (run, record → created or previous values, version
left) is what an undo of the run puts back.
"""

from piccolo.columns import JSONB, UUID, Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.entities.base import new_id


class ImportRun(Table, tablename="core_dataio_run"):
    id = UUID(primary_key=True, default=new_id)
    entity = Varchar(length=80)
    user_id = UUID(null=True, default=None, index=True)
    job_id = UUID(null=True, default=None)
    # waiting, running, done, failed, cancelled, undone
    status = Varchar(length=16, default="waiting")
    dry_run = Boolean(default=False)
    file_path = Text(default="")
    file_name = Varchar(length=300, default="")
    file_sha = Varchar(length=64, default="")
    format = Varchar(length=8, default="csv")
    encoding = Varchar(length=40, default="")
    delimiter = Varchar(length=4, default="")
    # {"columns": {"<header>": "<field>" | "@key"}, "key": "<field>" | "@key" | ""}
    mapping = JSONB(default="{}")
    key = Varchar(length=80, default="")
    next_line = Integer(default=0)
    total_hint = Integer(null=True, default=None)
    created = Integer(default=0)
    updated = Integer(default=0)
    unchanged = Integer(default=0)
    skipped = Integer(default=0)
    rejected = Integer(default=0)
    ambiguous = Integer(default=0)  # of the rejected: rows matching several records, or only by name
    # what a row matching a stored record does: update it, skip it, or create a new record anyway
    on_match = Varchar(length=8, default="update")
    runner = Varchar(length=200, default="")  # "host:pid" of a command-line run, to tell a dead one
    undone_at = Timestamptz(null=True, default=None)
    error = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)


class RejectedRow(Table, tablename="core_dataio_reject"):
    id = UUID(primary_key=True, default=new_id)
    run_id = UUID(index=True)
    line = Integer()
    field = Varchar(length=300, default="")
    reason = Text(default="")
    row = JSONB(default="[]")  # the row's values as read, for the rejected-rows file


class MappingTemplate(Table, tablename="core_dataio_mapping"):
    id = UUID(primary_key=True, default=new_id)
    entity = Varchar(length=80, index=True)
    name = Varchar(length=200)
    columns = JSONB(default="{}")  # header -> field name (or "@key")
    key = Varchar(length=80, default="")
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())

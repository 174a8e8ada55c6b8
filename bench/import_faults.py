"""R1's fault injection: kill -9 an import in flight, check it, resume it, compare with a clean run.

Used by ``tests/dataio/test_resume.py`` (a few runs) and the bench bar R1 in
``bench/bars/imports.py`` (30 and more). The import is the real
``klientela import`` command in a subprocess on the database this process
uses; it is killed with SIGKILL once it has committed some batches, at a
random moment inside the next one. Then, before resuming:

* no partial batch: the table holds exactly the records the committed
  batches counted (``core_dataio_run.created``), each with exactly one audit
  row, and nothing past the checkpoint;

and after running the same command again (it finds the unfinished run and
resumes from the checkpoint), the records — by their source key: name,
e-mail, phone, version — and the audit row count equal a clean run's.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from piccolo.querystring import QueryString

from core.db.engine import get_engine

ENTITY = "contacts.client"
HEADER = ["ref", "Наименование", "Эл. почта", "Телефон"]


def make_file(path: Path, rows: int) -> Path:
    """A deterministic CSV: unique refs, Cyrillic names, a few rows that fail validation."""
    import csv

    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        for i in range(rows):
            email = f"client{i}@example.com" if i % 97 else "not-an-email"
            out.writerow([f"R{i:07d}", f"Клиент №{i}", email, f"+7 916 {i % 1000:03d}-{i % 100:02d}-{i % 10}0"])
    return path


async def _sql(sql: str, *params):
    return await get_engine().run_querystring(QueryString(sql, *params))


async def clear(tables) -> None:
    for table in tables:
        await _sql(f'DELETE FROM "{table}"')


async def snapshot() -> dict:
    rows = await _sql('SELECT x."key" AS key, c."name" AS name, c."email" AS email, c."phone" AS phone, c."version" AS version '
                      'FROM "contacts_client" c JOIN "core_dataio_xkey" x ON x."record_id" = c."id" AND x."entity" = {} '
                      'WHERE c."deleted_at" IS NULL ORDER BY x."key"', ENTITY)
    clients = await _sql('SELECT count(*) AS n FROM "contacts_client"')
    audit = await _sql('SELECT count(*) AS n FROM "core_audit_change" WHERE "action" = \'import\' AND "entity" = {}', ENTITY)
    return {"records": [tuple(dict(r).values()) for r in rows], "clients": int(clients[0]["n"]), "audit": int(audit[0]["n"])}


def command(path: Path, batch_rows: int) -> list[str]:
    return [sys.executable, "-m", "core.cli", "import", ENTITY, str(path), "--key", "@key", "--batch-rows", str(batch_rows),
            "--rejects", str(path) + ".rejected.csv"]


def run_command(path: Path, batch_rows: int) -> None:
    proc = subprocess.run(command(path, batch_rows), capture_output=True, text=True, timeout=1800, env=os.environ.copy())
    if proc.returncode != 0:
        raise RuntimeError(f"klientela import failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")


async def clean_run_snapshot(path: Path, *, tables, batch_rows: int = 1000) -> dict:
    await clear(tables)
    await asyncio.to_thread(run_command, path, batch_rows)
    shot = await snapshot()
    await clear(tables)
    return shot


@dataclass
class Outcome:
    killed_mid_run: bool
    committed_rows: int  # created by the committed batches when killed
    partial_batches: int  # records or audit rows beyond what the checkpoint counts (must be 0)
    snapshot: dict


async def _run_row() -> dict | None:
    rows = await _sql('SELECT "status", "created", "next_line" FROM "core_dataio_run" ORDER BY "created_at" DESC LIMIT 1')
    return dict(rows[0]) if rows else None


async def kill_and_resume(path: Path, *, tables, batch_rows: int, kill_after_batches: int, seed: int | None = None) -> Outcome:
    await clear(tables)
    rng = random.Random(seed)
    proc = subprocess.Popen(command(path, batch_rows), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy())
    killed = False
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and proc.poll() is None:
            row = await _run_row()
            if row and row["next_line"] > kill_after_batches * batch_rows:
                await asyncio.sleep(rng.uniform(0, 0.05))  # somewhere inside the next batch
                if proc.poll() is None:
                    os.kill(proc.pid, signal.SIGKILL)
                    killed = True
                break
            await asyncio.sleep(0.005)
    finally:
        if proc.poll() is None and not killed:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    row = await _run_row()
    counted = int(row["created"]) if row else 0
    shot = await snapshot()
    partial = abs(shot["clients"] - counted) + abs(shot["audit"] - counted)
    await asyncio.to_thread(run_command, path, batch_rows)
    final = await snapshot()
    return Outcome(killed and row is not None and row["status"] != "done", counted, partial, final)

"""R1: kill -9 during an import, then the same command again: no partial batch, the end identical to a clean run.

The import runs as the real command in a subprocess (``klientela import``) on
the suite's database; the test kills it once some batches are committed and
checks, before resuming, that the rows in the table are exactly those the
committed batches counted. ``bench/bars/imports.py`` repeats this 30+ times.
"""

from __future__ import annotations

import pytest

from bench.import_faults import clean_run_snapshot, kill_and_resume, make_file
from tests.dataio.conftest import CLEARED


@pytest.fixture
async def cleared(kernel):
    return kernel


@pytest.mark.slow
async def test_kill_9_then_resume_ends_identical_to_a_clean_run(cleared, tmp_path):
    path = make_file(tmp_path / "clients.csv", rows=1500)
    clean = await clean_run_snapshot(path, tables=CLEARED)
    for attempt in range(3):
        outcome = await kill_and_resume(path, tables=CLEARED, batch_rows=100, kill_after_batches=1 + attempt * 3)
        assert outcome.partial_batches == 0, outcome
        assert outcome.killed_mid_run, outcome
        assert outcome.snapshot == clean, f"attempt {attempt}: the resumed import differs from a clean one"

"""``klientela worker`` and ``klientela job``: a job enqueued by another process is
listed, run by ``worker --once`` in a third, and shown; bad ids fail clearly."""

from __future__ import annotations

import subprocess
import sys

ENQUEUE = """
import asyncio
from core.settings import Settings
from core.db.bootstrap import bound_kernel
from core.jobs import enqueue
from core.jobs.api import close_queue

async def go():
    kernel = bound_kernel(Settings())
    print(await enqueue(kernel, "core.cleanup_sessions", user_id=None))
    await close_queue(kernel)

asyncio.run(go())
"""


def test_worker_and_job_commands(instance):
    instance.run("init", "--edition", "basic", "--admin-email", "a@example.com", "--admin-password", "long-enough-pass-123", check=True)
    made = subprocess.run([sys.executable, "-c", ENQUEUE], env=instance.env(), capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    job_id = made.stdout.strip().splitlines()[-1]
    listed = instance.run("job", "list", check=True).stdout
    assert job_id in listed and "queued" in listed
    instance.run("worker", "--once", check=True, timeout=60)
    shown = instance.run("job", "show", job_id, check=True).stdout
    assert '"status": "done"' in shown and '"sessions": 0' in shown
    assert "no job is waiting" not in shown
    missing = instance.run("job", "show", "01a20503-0000-7000-8000-000000000000")
    assert missing.returncode == 1 and "no such job" in missing.stderr
    finished = instance.run("job", "cancel", job_id)
    assert finished.returncode == 1 and "already done" in finished.stderr
    bad = instance.run("job", "list", "--status", "bogus")
    assert bad.returncode == 1 and "unknown status" in bad.stderr

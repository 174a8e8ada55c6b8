"""Row validation of a long import in worker processes, one batch per worker at a time.

Validating a row is pure Python (the gate's field cleaners, plugins' record
checks: phones, tax ids) and costs more than everything else an import does
for it, so a large file is validated in parallel: each worker process holds
its own kernel, gate and :class:`~core.dataio.rows.RowPlan` — built from the
same settings, entity, principal, custom fields, header and mapping as the
importing process — and validates whole batches
(:meth:`~core.dataio.rows.RowPlan.check_rows`). The importing process keeps
everything that needs the database: a batch's references (records, users,
teams) are resolved before it is sent, and the worker gets what they resolved
to; batches come back in the order they were sent and are merged and
committed in file order as before; what the workers' cell readers changed
(serial dates, restored zeros...) is counted back into the run's own notes. At most
``workers`` batches are in flight, so memory stays flat whatever the file's
size.

Workers are ``spawn``-ed (never a fork of a process with database threads),
translate in the importing user's language and read times on their clock,
and exit by themselves when the importing process is gone (a ``kill -9`` of
an import leaves no orphan behind). How many: the ``import_workers`` setting,
unset meaning one per CPU (``os.cpu_count()``); ``0`` validates in the
importing process itself, as do imports too small to repay starting workers.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor

from core.i18n import _catalogs, current_locale, current_timezone, use_locale, use_timezone

# Rows a file must still have (estimated from the bytes or rows read so far) for
# workers to repay their start (each imports the application: about a second).
POOL_MIN_ROWS = 20_000
PARENT_CHECK_SECONDS = 1.0


def worker_count(settings) -> int:
    """Worker processes for a large import: the ``import_workers`` setting, unset meaning one per
    CPU but one — the importing process (reading, merging, the database) needs a core of its own:
    on 2 CPUs one worker beat two, and each worker costs ~80 MB (docs/benchmarks.md, P1)."""
    wanted = getattr(settings, "import_workers", None)
    return max(0, (os.cpu_count() or 1) - 1) if wanted is None else wanted


# -- in the worker process ------------------------------------------------------------

_plan = None
_loop: asyncio.AbstractEventLoop | None = None
_context: dict = {}


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(PARENT_CHECK_SECONDS)
        if os.getppid() != parent:
            os._exit(0)


def _start(settings, entity: str, principal, custom: list, header: list, mapping: dict, guarded: bool,
           cells_locale: str, locale: str, zone: str, with_catalogs: bool, parent: int) -> None:
    global _plan, _loop
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="klientela-parent-watch").start()
    from core.dataio.cells import CellReading
    from core.dataio.mapping import Mapping, importable_fields
    from core.dataio.rows import RowPlan
    from core.db.bootstrap import bound_kernel
    from core.permissions.gate import Gate

    kernel = bound_kernel(settings)
    gate = Gate(kernel, kernel.entities.get(entity), principal, custom)
    _plan = RowPlan(gate, header, Mapping.from_json(mapping), importable_fields(gate), guarded=guarded)
    _plan.cells = CellReading(_plan.fields, cells_locale)
    _loop = asyncio.new_event_loop()
    if with_catalogs:
        from core.i18n.catalogs import app_catalogs

        _context["catalogs"] = app_catalogs(kernel)
    _context.update(locale=locale, zone=zone)


def _check(batch: list, references: dict) -> tuple[list, list, dict]:
    """One batch validated: (accepted, rejected, what the cell readers changed in it)."""
    for name, known in references.items():
        _plan.references.known[name] = known  # this batch's only: memory stays flat
    _plan.cells.counts.clear()
    with use_locale(_context["locale"], _context.get("catalogs")), use_timezone(_context["zone"]):
        accepted, rejected = _loop.run_until_complete(_plan.check_rows(batch))
    return accepted, rejected, dict(_plan.cells.counts)


# -- in the importing process -------------------------------------------------------------


class ValidationPool:
    """Batches validated by worker processes, handed back in the order they were sent."""

    def __init__(self, kernel, plan, workers: int):
        gate = plan.gate
        self.plan = plan
        self.workers = workers
        self.executor = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=_start,
            initargs=(kernel.settings, gate.entity.key, gate.principal, list(gate.custom), plan.header,
                      plan.mapping.as_json(), plan.guarded, plan.cells.locale, current_locale(), current_timezone(),
                      _catalogs.get() is not None, os.getpid()))
        self.in_flight: deque = deque()

    @property
    def full(self) -> bool:
        return len(self.in_flight) >= self.workers

    async def submit(self, batch: list, tag) -> None:
        """Send a batch, its references resolved here (in the database) first."""
        texts = self.plan.reference_texts(batch)
        await self.plan.references.load(texts)
        known = self.plan.references.known
        resolved = {name: {t: known[name][t] for t in found if t in known[name]} for name, found in texts.items()}
        future = asyncio.wrap_future(self.executor.submit(_check, batch, resolved))
        self.in_flight.append((future, tag))

    async def next(self):
        """The oldest batch's (accepted, rejected, tag)."""
        future, tag = self.in_flight.popleft()
        accepted, rejected, changed = await future
        self.plan.cells.counts.update(changed)
        return accepted, rejected, tag

    async def close(self) -> None:
        """Stop the workers (a batch one of them is validating is finished first, and dropped)."""
        for future, _tag in self.in_flight:
            future.cancel()
        self.in_flight.clear()
        await asyncio.to_thread(self.executor.shutdown, wait=True, cancel_futures=True)

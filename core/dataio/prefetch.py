"""A spreadsheet parsed in a child process while the import validates what it read.

Parsing XLSX (openpyxl) and ODS (lxml) is pure Python work per cell, as slow
as validating the row it yields: at a million rows they would take turns on
one core. Here the reader runs in a ``spawn``-ed child that sends rows in
chunks through a bounded queue, so the two overlap on two cores and memory
stays flat (at most ``QUEUE_CHUNKS`` chunks wait). The child is the very
reader of :mod:`core.dataio.readers`; the parent sees the same header, rows,
``BadRow``s, progress and :class:`~core.dataio.readers.ReadError`s.

The child never outlives the import: it is terminated on close, and exits
by itself when its parent is gone (a ``kill -9`` of the import leaves no
orphan parsing on).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
from pathlib import Path

from core.dataio.readers import Reader, ReadError, open_reader
from core.i18n import _, current_locale, use_locale

CHUNK_ROWS = 2000
QUEUE_CHUNKS = 4
START_SECONDS = 120  # the child imports openpyxl and reads the header (a shared-strings table first)
PARENT_CHECK_SECONDS = 1.0


def _produce(path: str, fmt: str, locale: str, out, parent: int, options: dict | None = None) -> None:
    def send(message) -> None:
        while True:
            try:
                out.put(message, timeout=PARENT_CHECK_SECONDS)
                return
            except queue.Full:
                if os.getppid() != parent:
                    # The import died: nobody will read on. Exit at once; a normal
                    # exit would wait for the queue's feeder thread, stuck on a full pipe.
                    os._exit(0)

    with use_locale(locale):
        try:
            with open_reader(path, fmt, **(options or {})) as reader:
                send(("header", reader.header, reader.progress(), reader.left_out))
                chunk = []
                for item in reader:
                    chunk.append(item)
                    if len(chunk) >= CHUNK_ROWS:
                        send(("rows", chunk, reader.progress()))
                        chunk = []
                send(("rows", chunk, reader.progress()))
                send(("end", reader.left_out))  # with the totals rows it skipped
        except ReadError as exc:
            send(("error", str(exc)))
        except Exception as exc:  # noqa: BLE001 - any parser failure is this file's failure, said in the parent
            send(("error", f"{type(exc).__name__}: {exc}"))


class PrefetchedReader(Reader):
    """:func:`open_reader` for a spreadsheet, read ahead in a child process."""

    def __init__(self, path: Path, fmt: str, **options):
        self.format = fmt
        context = multiprocessing.get_context("spawn")  # never fork a process with database threads
        self.queue = context.Queue(maxsize=QUEUE_CHUNKS)
        self.child = context.Process(target=_produce, args=(str(path), fmt, current_locale(), self.queue, os.getpid(), options),
                                     daemon=True, name="klientela-reader")
        self.child.start()
        self._progress: tuple[int, int | None] = (0, None)
        try:
            message = self._next(START_SECONDS)
            if message[0] == "error":
                raise ReadError(message[1])
        except BaseException:
            self.close()
            raise
        _, self.header, self._progress, self.left_out = message

    def _next(self, timeout: float):
        waited = 0.0
        while True:
            try:
                return self.queue.get(timeout=PARENT_CHECK_SECONDS)
            except queue.Empty:
                waited += PARENT_CHECK_SECONDS
                if not self.child.is_alive():
                    raise ReadError(_("The file reader stopped unexpectedly (exit code {code}).").format(code=self.child.exitcode)) from None
                if waited >= timeout:
                    raise ReadError(_("The file reader did not answer in time.")) from None

    def __iter__(self):
        while True:
            # A chunk of a huge sheet can take a while (parsing, not a hang): the
            # only timeout that matters is the child being gone, checked above.
            message = self._next(float("inf"))
            if message[0] == "end":
                self.left_out = message[1]
                return
            if message[0] == "error":
                raise ReadError(message[1])
            _, rows, self._progress = message
            yield from rows

    def progress(self):
        return self._progress

    def close(self) -> None:
        if self.child.is_alive():
            self.child.terminate()
        self.child.join(timeout=10)
        self.queue.close()
        self.queue.cancel_join_thread()


def open_prefetched(path, fmt: str | None = None, **options) -> Reader:
    """The reader for a long run: spreadsheets read ahead in a child process, CSV as it is
    (its parsing is cheap next to validation, and it needs no second process)."""
    from core.dataio.readers import detect_format

    path = Path(path)
    fmt = fmt or detect_format(path)
    if fmt in ("xlsx", "ods"):
        return PrefetchedReader(path, fmt, **{k: v for k, v in options.items() if k not in ("encoding", "delimiter")})
    return open_reader(path, fmt, **{k: v for k, v in options.items() if k != "sheet"})

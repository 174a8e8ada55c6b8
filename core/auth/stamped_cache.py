"""Rows a worker keeps in memory behind the principal stamp (:mod:`core.auth.stamp`).

Some reads answer the same for request after request and change only when
an administrator changes something: custom field definitions
(:mod:`core.custom_fields.definitions`), users' names (the responsible
column of every list, :mod:`core.entities.values`). Their tables are among
those whose database triggers move the stamp with every insert, update and
delete, whoever writes — the screens, the API, the CLI, a plugin's SQL.
So a worker keeps what it read, under the stamp it read it at, and uses it
only while the stamp has not moved.

A request's principal carries the stamp it was checked under when the
request began (``Principal.stamp``): values kept under that very stamp are
used without reading anything. Otherwise (the stamp moved; or nothing read
it: a job, the CLI) the stamp is read — one primary-key read — and what
was kept is read again when it moved. So a change made through any worker
or process holds on the next request in every worker.

Inside a transaction, values are read in it and not kept: a change made in
the same transaction is not committed yet, so no stamp shows it.
"""

from __future__ import annotations

from typing import Awaitable, Callable, Generic, Hashable, Iterable, TypeVar

from core.auth import stamp as stamps
from core.db.engine import get_engine

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class StampedCache(Generic[K, V]):
    """Values per key, read by ``load(keys) -> {key: value}`` (a key it leaves out has no
    value), kept while the stamp stays where they were read. At most ``limit`` keys."""

    def __init__(self, load: Callable[[list[K]], Awaitable[dict[K, V]]], limit: int = 10_000) -> None:
        self._load = load
        self.limit = limit
        self._engine = None  # what is kept belongs to one database
        self._stamp: int | None = None
        self._values: dict[K, V] = {}
        self._absent: set[K] = set()  # keys the load gave no value: not asked again under this stamp
        self.loads = 0  # reads of the database (tests count them)

    async def get_many(self, keys: Iterable[K], stamp: int | None = None) -> dict[K, V]:
        """The values of ``keys`` as of ``stamp`` (the request's; read now when None) or later."""
        keys = list(dict.fromkeys(keys))
        engine = get_engine()
        if engine.transaction_exists():
            self.loads += 1
            return await self._load(keys) if keys else {}
        current = stamp if stamp is not None else await stamps.current(engine)
        if current != self._stamp or engine is not self._engine:
            # Read under another stamp, they may be stale: none is used again.
            self._values.clear()
            self._absent.clear()
            self._stamp, self._engine = current, engine
        kept = {k: self._values[k] for k in keys if k in self._values}
        missing = [k for k in keys if k not in kept and k not in self._absent]
        if not missing:
            return kept
        self.loads += 1
        loaded = await self._load(missing)
        # Read after the stamp, so at least as new as it. Kept only if no request saw
        # another stamp meanwhile (it cleared what was kept; these may be older).
        if self._stamp == current and self._engine is engine:
            if len(self._values) + len(self._absent) + len(missing) > self.limit:
                self._values.clear()
                self._absent.clear()
            self._values.update(loaded)
            self._absent.update(k for k in missing if k not in loaded)
        return {**kept, **loaded}

    async def get(self, key: K, stamp: int | None = None) -> V | None:
        return (await self.get_many([key], stamp)).get(key)

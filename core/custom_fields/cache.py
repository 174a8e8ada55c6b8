"""Custom field definitions kept per worker, behind the principal stamp.

Every gate opens with its entity's active custom fields (``Gate.open``): the
list page opens one for its rows and one per entity its references name, the
home page one per widget. Read from the database each time, that is a query
per gate, for rows an administrator changes rarely. So each worker keeps
them, per entity, under the stamp they were read at (:mod:`core.auth.stamp`),
which database triggers move with every insert, update and delete of
``core_custom_field`` — whoever writes: the field screens, the API, the CLI,
a plugin's SQL.

A request's principal carries the stamp it was checked under when the
request began (``Principal.stamp``): definitions kept under that very stamp
are used without reading anything. Otherwise (the stamp moved; or nothing
read it: a job, the CLI) the stamp is read — one primary-key read — and the
definitions are read again when it moved. So a field added, changed,
retired or purged through any worker or process holds on the next request
in every worker (``tests/custom_fields/test_definition_cache.py``).

Inside a transaction the definitions are read in it, uncached: a field
created in the same transaction is not committed yet, so no stamp shows it.
"""

from __future__ import annotations

from typing import Awaitable, Callable, Generic, TypeVar

from core.auth import stamp as stamps
from core.db.engine import get_engine

T = TypeVar("T")


class StampedCache(Generic[T]):
    """Values per key, read by ``load(key)``, kept while the stamp stays where it was read."""

    def __init__(self, load: Callable[[str], Awaitable[T]]) -> None:
        self._load = load
        self._engine = None  # the values belong to one database
        self._stamp: int | None = None
        self._values: dict[str, T] = {}
        self.loads = 0  # reads of the database (tests count them)

    async def get(self, key: str, stamp: int | None = None) -> T:
        """The value of ``key`` as of ``stamp`` (the request's; read now when None) or later."""
        engine = get_engine()
        if engine.transaction_exists():
            self.loads += 1
            return await self._load(key)
        current = stamp if stamp is not None else await stamps.current(engine)
        if current != self._stamp or engine is not self._engine:
            # Values read under another stamp may be stale: none is used again.
            self._values.clear()
            self._stamp, self._engine = current, engine
        if key in self._values:
            return self._values[key]
        self.loads += 1
        value = await self._load(key)
        # Read after the stamp, so at least as new as it. Kept only if no request saw
        # another stamp meanwhile (that one cleared the values; these may be older).
        if self._stamp == current and self._engine is engine:
            self._values[key] = value
        return value

    def clear(self) -> None:
        self._values.clear()
        self._stamp = None

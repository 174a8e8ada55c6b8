"""How many sign-ins of one app process use the database at once.

A burst of sign-ins (100 guesses sent at the same instant) would otherwise
queue a few hundred queries for the connection pool, and every other request
— ``/health`` included — would wait behind them in the pool's queue. A
sign-in takes a slot for its database work before the password check (the
user lookup, the throttle's count, the refusal's event); the others wait for
a slot without holding a connection, so half the pool always stays free for
everything else. This bounds load, it decides nothing: the throttle's count is
atomic in the database (``core.auth.throttle``), across processes.

One semaphore per event loop (tests and the bench run several loops in one
process, and an asyncio primitive belongs to one loop).
"""

from __future__ import annotations

import asyncio
import weakref

_slots: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]" = weakref.WeakKeyDictionary()


def sign_in_slots(settings) -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    slots = _slots.get(loop)
    if slots is None:
        slots = _slots[loop] = asyncio.Semaphore(max(1, settings.db_pool_max // 2))
    return slots

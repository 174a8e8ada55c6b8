"""Password hashing with argon2id (argon2-cffi's default profile: t=3, m=64 MiB, p=4).

A hash or a check takes a quarter of a second of CPU. Run on the event loop
it would stall every other request (30 parallel sign-ins once pushed
``/health`` from 5 ms to 11 s), so request handlers await
:func:`hash_password_async` / :func:`verify_password_async`, which run it in
a small, bounded thread pool (argon2-cffi releases the GIL while hashing).
The pool's size bounds the CPU and memory (64 MiB per hash) a sign-in burst
can take; further attempts queue for a thread, while the loop keeps serving.

:func:`dummy_hash` is what an unknown e-mail is checked against, so that
case costs the same time as a wrong password.

:func:`cheap_hashing_for_tests` swaps in argon2id at its lowest cost for test
fixtures that sign in hundreds of times; nothing else calls it.
"""

import asyncio
import os
import secrets
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

PRODUCTION = PasswordHasher()
_hasher = PRODUCTION
MIN_LENGTH = 8


@contextmanager
def cheap_hashing_for_tests():
    """Tests only: argon2id with t=1, m=1 MiB, p=1 (about a millisecond instead of
    a quarter second) while the block runs; the production profile after it."""
    global _hasher
    previous, _hasher = _hasher, PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    try:
        yield
    finally:
        _hasher = previous


class WeakPassword(ValueError):
    pass


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"the password must have at least {MIN_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


# Two threads per core, at most four: enough to keep the cores busy, few enough
# that a burst cannot take all the memory (64 MiB each) or starve the loop's thread.
POOL_SIZE = max(1, min(4, 2 * (os.cpu_count() or 1)))
_pool: ThreadPoolExecutor | None = None


def _executor() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=POOL_SIZE, thread_name_prefix="klientela-argon2")
    return _pool


async def hash_password_async(password: str) -> str:
    """:func:`hash_password` in the hashing pool (raises :class:`WeakPassword` the same way)."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"the password must have at least {MIN_LENGTH} characters")
    return await asyncio.get_running_loop().run_in_executor(_executor(), _hasher.hash, password)


async def verify_password_async(password_hash: str, password: str) -> bool:
    """:func:`verify_password` in the hashing pool."""
    return await asyncio.get_running_loop().run_in_executor(_executor(), verify_password, password_hash, password)


_dummies: dict[tuple, str] = {}


async def dummy_hash() -> str:
    """A hash of a random password with the current parameters: what an unknown
    e-mail is verified against, so that answer takes as long as a wrong password."""
    key = (_hasher.time_cost, _hasher.memory_cost, _hasher.parallelism, _hasher.hash_len, _hasher.salt_len)
    if key not in _dummies:
        _dummies[key] = await hash_password_async(secrets.token_urlsafe(16))
    return _dummies[key]

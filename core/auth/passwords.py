"""Password hashing with argon2id (argon2-cffi's default profile: t=3, m=64 MiB, p=4).

:func:`cheap_hashing_for_tests` swaps in argon2id at its lowest cost for test
fixtures that sign in hundreds of times; nothing else calls it.
"""

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

"""Passwords are argon2id at argon2-cffi's default cost in production (the
suite's conftest swaps in a cheap profile for speed; this checks the real one)."""

from argon2 import PasswordHasher

from core.auth import passwords


def test_the_production_profile_is_argon2id_at_the_default_cost():
    assert passwords.PRODUCTION.time_cost >= 3 and passwords.PRODUCTION.memory_cost >= 64 * 1024
    hashed = passwords.PRODUCTION.hash("correct horse battery")
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.verify_password(hashed, "correct horse battery")
    assert not passwords.verify_password(hashed, "correct horse battery!")
    assert not passwords.verify_password("not a hash", "anything")


def test_the_cheap_profile_is_only_lent_while_the_block_runs():
    # Inside the suite's swap now: a hash made here is cheap and, once the
    # production profile is back, flagged for re-hashing at the next sign-in.
    cheap = passwords.hash_password("temporary-pass")
    assert "m=1024,t=1,p=1" in cheap
    assert PasswordHasher().check_needs_rehash(cheap)
    assert passwords.PRODUCTION.check_needs_rehash(cheap)

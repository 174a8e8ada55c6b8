"""Fixtures of the auth suite."""

import pytest

from core.auth.passwords import cheap_hashing_for_tests


@pytest.fixture(autouse=True)
def cheap_argon2():
    # These tests sign in and create users a few hundred times; at the
    # production profile (~0.25 s per hash or check here) that alone would
    # take minutes. The production profile itself is checked in
    # test_passwords.py, outside this swap.
    with cheap_hashing_for_tests():
        yield

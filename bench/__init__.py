"""Klientela's benchmark suite: the quality bars of ``docs/benchmarks.md``.

Not part of the test suite: it prints figures, it never asserts timings.
Run it with ``klientela bench run``.
"""

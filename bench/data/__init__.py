"""Realistic synthetic data at scale for the benchmarks (``klientela bench data``).

* :mod:`bench.data.records` — clients (companies and people, Russian and
  English), tax ids, phones, emails, addresses; pure and seeded.
* :mod:`bench.data.duplicates` — labelled near-duplicates (typos,
  reformatting, Cyrillic/Latin transliteration) with their ground truth.
* :mod:`bench.data.org` — the users who own the clients, in departments and
  teams, so record scopes mean something.
* :mod:`bench.data.activities` — the clients' interactions and assignments:
  skewed over clients, owned by plausible users, done / open / planned;
  :mod:`bench.data.seasons` dates them (weekdays, seasons, holidays),
  :mod:`bench.data.texts` words them (Russian and English), and
  :mod:`bench.data.tables` makes them rows of the contacts plugin's tables.
* :mod:`bench.data.write` — the bulk paths: ``sqlite3.executemany`` in big
  transactions, PostgreSQL ``COPY`` through asyncpg; never per-row ORM.
* :mod:`bench.data.files` — CSV and XLSX files of the same clients (import bench).
* :mod:`bench.data.generate` — puts them together.

Deterministic by seed: the same seed and sizes (and, for activities, the
same reference day) give the same rows (ids and timestamps included), so
figures from two runs describe the same data.
"""

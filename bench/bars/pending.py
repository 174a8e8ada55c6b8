"""Bars whose feature does not exist yet: listed in the table, never faked.

Each one moves to its own module, with a real measurement against its
baseline, together with the work that builds the feature (the data generator,
``klientela bench data``, comes with the first of them).
"""

from __future__ import annotations

from bench.runner import NotYetMeasurable, register

PENDING = [
    (
        "P5", "p5-reports", "ABC/XYZ reports, 10M lines",
        "≤ 1.5× the raw SQL aggregate",
        "no sales lines and no ABC/XYZ reports yet (the funnel is measured by p5-funnel)",
    ),
    (
        "P7", "p7-mailing", "Mailing, 100k recipients via SMTP",
        "≥ 1000 msg/s; 0 lost, 0 duplicated after kill -9 and resume",
        "no mailing engine yet",
    ),
    (
        "P8", "p8-exchange", "Accounting exchange, 100k + 1M docs",
        "initial ≤ 60 s; 100 changes ≤ 1 s at any base size",
        "no accounting exchange yet",
    ),
    (
        "P9", "p9-scale-out", "Scale-out, 2 workers on PostgreSQL",
        "2 workers ≥ 1.7× one; no state in process memory",
        "the job queue exists (procrastinate on PostgreSQL, docs/jobs.md), but no bar yet runs two app workers on one "
        "PostgreSQL under load, nor checks sessions and caches for process state (P3 measures one worker)",
    ),
]


def _pending(reason: str):
    def measure(ctx):
        raise NotYetMeasurable(reason)

    return measure


for _id, _name, _title, _bar, _reason in PENDING:
    register(_id, _name, _title, _bar)(_pending(_reason))

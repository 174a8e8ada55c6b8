"""The seeded stream of client rows, in chunks, with the duplicates' ground truth.

Everything a row holds is decided here, by one ``random.Random(seed)``:
the record, whether it is a duplicate (and of which earlier client), its
owner (an index into the generated sales managers), and its id and
timestamps — ids are UUIDv7 as the product makes them (time-ordered), but
built from a fixed clock (``START`` plus a step per row) and seeded random
bits, so a seed gives the same ids every time.

Duplicates copy a client seen earlier, drawn from a reservoir sample of the
clients so far (bounded memory at any size, uniform over the past).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Iterator

from bench.data.duplicates import duplicate_of
from bench.data.records import Pools, RecordMaker, pick

START = datetime(2019, 1, 1, tzinfo=timezone.utc)
SPAN = timedelta(days=6 * 365)  # created_at spread over six years up to 2024
RESERVOIR = 10_000
CHUNK = 50_000


def uuid7(ms: int, rng: random.Random) -> uuid.UUID:
    """A UUIDv7 (RFC 9562) for the millisecond ``ms`` with seeded random bits."""
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76 | rng.getrandbits(12) << 64
    value |= 0b10 << 62 | rng.getrandbits(62)
    return uuid.UUID(int=value)


@dataclass
class Chunk:
    records: list[dict] = field(default_factory=list)  # each with id, created_at, owner index
    truth: list[tuple[uuid.UUID, uuid.UUID, str]] = field(default_factory=list)  # (original, duplicate, changes)


def client_chunks(seed: int, count: int, duplicates_share: float, owners: int, chunk: int = CHUNK) -> Iterator[Chunk]:
    """``count`` records (duplicates included) in chunks; ``owners`` sales managers to spread them over."""
    if not 0 <= duplicates_share < 1:
        raise ValueError("the share of duplicates is between 0 and 1")
    rng = random.Random(seed)
    maker = RecordMaker(rng, Pools.make(seed))
    reservoir: list[dict] = []
    originals = 0
    step_ms = max(1, int(SPAN.total_seconds() * 1000 // max(count, 1)))
    start_ms = int(START.timestamp() * 1000)
    current = Chunk()
    for i in range(count):
        ms = start_ms + i * step_ms
        if reservoir and rng.random() < duplicates_share:
            original = rng.choice(reservoir)
            record, changes = duplicate_of(rng, original)
        else:
            original, changes = None, None
            record = maker.make()
        record["id"] = uuid7(ms, rng)
        record["created_at"] = datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
        # A duplicate is usually entered by someone else than the original's owner.
        record["_owner"] = int(rng.random() * owners)
        if original is not None:
            current.truth.append((original["id"], record["id"], ",".join(changes)))
        else:
            originals += 1
            if len(reservoir) < RESERVOIR:
                reservoir.append(record)
            else:
                slot = rng.randrange(originals)  # Algorithm R: uniform over all originals so far
                if slot < RESERVOIR:
                    reservoir[slot] = record
        current.records.append(record)
        if len(current.records) >= chunk:
            yield current
            current = Chunk()
    if current.records:
        yield current

"""The seeded stream of activities of the generated clients: interactions and assignments.

Made per chunk of clients, right after the chunk itself, so every activity's
client exists and memory stays flat at any size. ``total`` activities over
``clients`` clients: each chunk gets its exact share, spread over the chunk's
clients by log-normal weights (most clients have a few activities or none, a
few key accounts have hundreds).

An activity is either an interaction (``contacts_interaction``: a call,
meeting, letter, e-mail or note) or, one in ten, an assignment
(``contacts_task``). Times come from :class:`bench.data.seasons.Calendar`
(weekdays, seasons, holidays), within the local working hours of the
client's language; never before the client was created. Past work is mostly
done, some of it is still open (overdue, more often recent), some was
cancelled; future work is planned. The responsible user is mostly the
client's owner, else a colleague of the same team or department;
assignments are given by the owner, a colleague or the head of the
department.

Users are indices: ``0 .. managers-1`` the sales managers (``Org.managers``
order), ``managers + d`` the head of department ``d``. Times are UTC; the
stream has its own ``random.Random``, so the clients' rows are the same
whether or not activities are generated.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from math import exp

from bench.data.org import MANAGERS_PER_TEAM, TEAMS_PER_DEPARTMENT
from bench.data.records import number, pick
from bench.data.rows import SPAN, START, uuid7
from bench.data.seasons import DAY_MS, Calendar, midnight_ms
from bench.data.texts import Texts

PER_CLIENT = 3  # the command's default: activities per client, on average
SPREAD = 1.4  # sigma of the log-normal client weights: the larger, the more skewed
KINDS = (("call", 42), ("email", 23), ("meeting", 12), ("letter", 5), ("note", 8), ("task", 10))
DURATIONS = {"call": (3, 30), "meeting": (30, 120)}
# Local working hours as UTC offsets: Moscow (UTC+3) for Russian clients, US Eastern (UTC-5) for English ones.
WORK_START_UTC_HOUR = {"ru": 6, "en": 14}
WORK_HOURS = 9
MINUTE_MS, HOUR_MS = 60_000, 3_600_000
OWNER_SHARE = 0.85  # activities the client's owner is responsible for
CANCELLED_SHARE = 0.04
REMINDERS = (15, 30, 60, None)
TASK_REMINDERS = (60, 120, 1440, None)
FOLLOW_UP_SHARE = 0.35  # interactions that follow up the client's previous done one
QUARTER_MS = 15 * MINUTE_MS
OPEN_TASK_STATUSES = ("new", "new", "accepted", "accepted", "returned")
# Writes a task's status took: new 1; accepted 2; done 3 (accepted, done); returned 4 (accepted, done, returned).
TASK_VERSIONS = {"new": 1, "accepted": 2, "done": 3, "returned": 4}
CLIENTS_UNTIL_MS = int((START + SPAN).timestamp() * 1000)  # generated clients are created up to here (bench.data.rows)


def stream_seed(seed: int) -> str:
    """The activities' own seed (a string seeds ``random`` the same in every process)."""
    return f"activities:{seed}"


def when(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


def share(total: int, clients: int, before: int, size: int) -> int:
    """The exact part of ``total`` that falls on clients ``before .. before + size``."""
    return total * (before + size) // clients - total * before // clients


def open_share(age_days: float) -> float:
    """How likely past work is still open (overdue): mostly the last weeks' work, a little of everything."""
    return 0.02 + 0.25 * exp(-age_days / 10)


@dataclass
class Activities:
    interactions: list[dict] = field(default_factory=list)
    tasks: list[dict] = field(default_factory=list)


def check(total: int, clients: int, as_of: date) -> None:
    """ValueError when ``total`` activities of ``clients`` clients up to ``as_of`` cannot be made."""
    if total < 0 or clients < 0:
        raise ValueError("the numbers of activities and clients cannot be negative")
    if total and not clients:
        raise ValueError("activities need clients to belong to")
    if total and midnight_ms(as_of) < CLIENTS_UNTIL_MS:
        raise ValueError(f"the reference day must not be before {when(CLIENTS_UNTIL_MS).date()}, when the last generated client is created")


class ActivityMaker:
    def __init__(self, seed: int, total: int, clients: int, managers: int, calendar: Calendar, tasks: bool = True):
        check(total, clients, calendar.as_of)
        self.rng = random.Random(stream_seed(seed))
        self.texts = Texts(self.rng)
        self.total, self.clients, self.managers, self.calendar = total, clients, managers, calendar
        self.kinds = [k for k, weight in KINDS if tasks or k != "task" for _ in range(weight)]  # weighted by repetition
        self.seen = 0  # clients of earlier chunks

    def for_chunk(self, records: list[dict]) -> Activities:
        """The activities of one chunk of client records (each with id, created_at, _owner, _english)."""
        rng, out = self.rng, Activities()
        quota = share(self.total, self.clients, self.seen, len(records))
        self.seen += len(records)
        if not quota:
            return out
        weights = [rng.lognormvariate(0.0, SPREAD) for _ in records]
        counts = [0] * len(records)
        for i in rng.choices(range(len(records)), weights=weights, k=quota):
            counts[i] += 1
        for record, count in zip(records, counts):
            if count:
                self.client_activities(record, count, out)
        return out

    def client_activities(self, client: dict, count: int, out: Activities) -> None:
        rng, cal = self.rng, self.calendar
        created_ms = int(client["created_at"].timestamp() * 1000)
        first = cal.first_day(created_ms)
        lang_of_client = client["_english"]
        work_start = WORK_START_UTC_HOUR["en" if lang_of_client else "ru"] * HOUR_MS  # the client's working hours
        plan = []  # (when, language, kind): drawn first, then taken in time order so follow-ups follow
        for _ in range(count):
            day_ms = cal.draw(rng, first)
            lang = self.texts.language(lang_of_client)
            at = day_ms + work_start + number(rng, 0, WORK_HOURS * 60 - 1) * MINUTE_MS
            at = max(at, created_ms + MINUTE_MS)  # on the client's first day, after it was entered
            kind = pick(rng, self.kinds)
            if kind == "note" and at >= cal.as_of_ms:  # a note records what happened: ahead, it is a planned call
                kind = "call"
            if kind == "meeting":  # meetings are set on the quarter hour (rounded up: never before the client existed)
                at = -(-at // QUARTER_MS) * QUARTER_MS
            plan.append((at, lang, kind))
        plan.sort()
        previous = None
        for at, lang, kind in plan:
            if kind == "task":
                out.tasks.append(self.task(client, created_ms, at, lang))
                continue
            row = self.interaction(client, created_ms, kind, at, lang, previous)
            out.interactions.append(row)
            previous = row if row["status"] == "done" else previous

    def responsible(self, owner: int) -> int:
        return owner if self.rng.random() < OWNER_SHARE else self.colleague(owner)

    def colleague(self, owner: int) -> int:
        """Another manager of the owner's team (two times in three) or department."""
        group = MANAGERS_PER_TEAM if self.rng.random() < 0.65 else MANAGERS_PER_TEAM * TEAMS_PER_DEPARTMENT
        base = owner // group * group
        other = base + int(self.rng.random() * (group - 1))
        other = other + 1 if other >= owner else other
        return other if other < self.managers else owner

    def head(self, owner: int) -> int:
        return self.managers + owner // (MANAGERS_PER_TEAM * TEAMS_PER_DEPARTMENT)

    def interaction(self, client: dict, created_ms: int, kind: str, at: int, lang: str, previous: dict | None) -> dict:
        rng, now = self.rng, self.calendar.as_of_ms
        texts = self.texts
        low_high = DURATIONS.get(kind)
        duration = number(rng, *low_high) if low_high else None
        end = at + (duration or 0) * MINUTE_MS
        if kind == "note":
            status = "done"
        elif at >= now:
            status = "cancelled" if rng.random() < CANCELLED_SHARE else "planned"
        else:
            u = rng.random()
            status = "planned" if u < open_share((now - at) / DAY_MS) else "cancelled" if u > 1 - CANCELLED_SHARE else "done"
        # Planned ahead (calls and meetings usually, everything still open) or logged when it happened.
        ahead = status != "done" or (kind in ("call", "meeting") and rng.random() < 0.6)
        if not ahead:
            created = min(end + number(rng, 1, 120) * MINUTE_MS, now)
        elif at - 10 * DAY_MS > now:  # far ahead: planned within the last month
            created = max(created_ms, now - number(rng, 1, 30 * 24) * HOUR_MS)
        else:
            created = min(max(created_ms, at - number(rng, 1, 240) * HOUR_MS), now)
        changed = ahead and status != "planned"  # marked done or cancelled later: a second write
        updated = min(max(created, end + number(rng, 5, 48 * 60) * MINUTE_MS), now) if changed else created
        owner = self.responsible(client["_owner"])
        done = status == "done"
        return {
            "id": uuid7(created, rng), "created_at": when(created), "updated_at": when(updated),
            "created_by": owner, "updated_by": owner, "version": 2 if changed else 1, "owner_id": owner,
            "subject": texts.subject(kind, lang), "kind": kind, "status": status, "client": client["id"],
            "starts_at": when(at), "duration_minutes": duration,
            "participants": texts.participants(lang) if kind == "meeting" else "",
            "result": texts.result(lang) if done and kind != "note" and rng.random() < 0.7 else "",
            "follow_up": texts.follow_up(lang) if done and rng.random() < 0.2 else "",
            "remind_minutes": pick(rng, REMINDERS) if ahead and kind in ("call", "meeting") else None,
            "previous": previous["id"] if previous is not None and rng.random() < FOLLOW_UP_SHARE else None,
        }

    def task(self, client: dict, created_ms: int, at: int, lang: str) -> dict:
        rng, now = self.rng, self.calendar.as_of_ms
        deadline = at // HOUR_MS * HOUR_MS  # deadlines are set to the hour
        created = min(max(created_ms, deadline - number(rng, 2, 14 * 24) * HOUR_MS), now)
        owner = client["_owner"]
        assignee = self.responsible(owner)
        u = rng.random()
        author = owner if u < 0.4 else self.head(owner) if u < 0.75 else self.colleague(owner)
        # Assignments linger open (overdue) twice as often as interactions.
        if deadline < now and rng.random() >= open_share((now - deadline) / DAY_MS) * 2:
            status = "done"
        else:
            status = pick(rng, OPEN_TASK_STATUSES)
        version = TASK_VERSIONS[status]
        updated = created if version == 1 else min(max(created, deadline - number(rng, 0, 72) * HOUR_MS), now)
        title, description = self.texts.task(lang)
        return {
            "id": uuid7(created, rng), "created_at": when(created), "updated_at": when(updated),
            "created_by": author, "updated_by": assignee if version > 1 else author, "version": version,
            "owner_id": assignee, "title": title, "description": description, "client": client["id"],
            "deadline": when(deadline), "remind_minutes": pick(rng, TASK_REMINDERS), "status": status,
            "result": self.texts.task_result(lang) if status == "done" and rng.random() < 0.7 else "",
        }

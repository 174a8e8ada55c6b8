"""Shared pieces of the duplicate tests: principals, the labelled set written through the gate."""

from __future__ import annotations

import uuid

from core.permissions.errors import Invalid
from core.permissions.gate import Gate
from core.permissions.principal import Principal

ACTIONS = ("read", "create", "write", "delete", "restore", "assign")
ENTITIES = ("contacts.client", "contacts.contact", "contacts.interaction", "contacts.task", "contacts.link")


def principal(user=None, scope="own", *, hidden=(), team=(), actions=ACTIONS, scopes: dict | None = None) -> Principal:
    user = user or uuid.uuid4()
    grants = {f"{key}.{a}": scope for key in ENTITIES for a in actions}
    grants.update(scopes or {})
    return Principal(user_id=user, grants=grants, team_member_ids=frozenset(team) | {user},
                     department_member_ids=frozenset(team) | {user},
                     unreadable={"contacts.client": frozenset(hidden)}, ip="127.0.0.1")


def gate(kernel, who, key="contacts.client") -> Gate:
    return Gate(kernel, kernel.entities[key], who)


async def kernel_of(app_factory):
    return app_factory().state.kernel


async def write_labelled(kernel, who, count: int = 400, seed: int = 5, share: float = 0.12):
    """The bench generator's Russian clients (and their labelled duplicates) created through the
    gate as ``who``. Rows the contacts plugin refuses (a tax id with a wrong check digit, a phone
    no numbering plan has) are left out with their pairs. Returns (ids in order, truth pairs of ids)."""
    from bench.data.rows import client_chunks

    records, truth = [], []
    for chunk in client_chunks(seed, count, share, 1):
        records += chunk.records
        truth += chunk.truth
    made: dict = {}
    g = gate(kernel, who)
    for r in records:
        if r["_english"]:
            continue  # US numbers need country US, whose tax ids are not INNs
        try:
            row = await g.create({"name": r["name"], "kind": r["kind"], "inn": r["inn"], "email": r["email"] or None,
                                  "phone": r["phone"]})
        except Invalid:
            continue
        made[r["id"]] = row["id"]
    pairs = [(made[a], made[b]) for a, b, _ in truth if a in made and b in made]
    return list(made.values()), pairs

"""A snapshot of what users own in the database, to prove a refused request changed nothing.

Sessions (activity time), login attempts and the security and audit logs are
left out on purpose: a refused request is *expected* to write a security
event, and every signed-in request may slide its session.
"""

from __future__ import annotations

from core.auth.common import fetch, on_postgres

SKIPPED = {"core_session", "core_login_attempt", "core_security_event", "core_audit_change", "piccolo_migration"}


def made_by_a_request(table: str, row: dict) -> bool:
    """False for the system's own background rows: a scheduled job (no user)
    may be enqueued, run or released by a worker at any moment of a walk,
    while a job a request enqueued always carries its user."""
    return not (table == "core_job" and row.get("user_id") is None)


async def table_names() -> list[str]:
    if on_postgres():
        rows = await fetch(
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
    else:
        rows = await fetch("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return sorted(r["name"] for r in rows if r["name"] not in SKIPPED)


async def snapshot() -> dict[str, list[str]]:
    state = {}
    for name in await table_names():
        rows = await fetch(f'SELECT * FROM "{name}"')
        state[name] = sorted(repr(sorted(dict(r).items())) for r in rows if made_by_a_request(name, dict(r)))
    return state


def differences(before: dict, after: dict) -> list[str]:
    return [name for name in sorted(set(before) | set(after)) if before.get(name) != after.get(name)]

"""A snapshot of the database, table by table, to prove a request changed nothing.

Every test that says "refused, and nothing written" compares two snapshots:
the IDOR walk and the mass-assignment checks (which leave out the logs a
refused request is *expected* to write) and the CSRF walk (every table).
"""

from __future__ import annotations

from core.auth.common import fetch, on_postgres

# What a refused request may still write: its security event, its login
# attempt, the session's sliding activity; the audit log and migrations
# are not user data either.
LOGS = frozenset({"core_session", "core_login_attempt", "core_security_event", "core_audit_change", "piccolo_migration"})
# The only column a request may write without changing data: the session's
# last activity, which the idle timeout needs (written at most once a minute).
IGNORED_COLUMNS = {"core_session": {"last_seen_at"}}


def made_by_a_request(table: str, row: dict) -> bool:
    """False for the system's own background rows: a scheduled job (no user)
    may be enqueued, run or released by a worker at any moment of a walk,
    while a job a request enqueued always carries its user."""
    return not (table == "core_job" and row.get("user_id") is None)


async def table_names(skip: frozenset[str] = frozenset()) -> list[str]:
    if on_postgres():
        rows = await fetch(
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
    else:
        rows = await fetch("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        # FTS5 search indexes and their shadow tables only mirror entity tables (kept by triggers).
        virtual = [r["name"] for r in rows if (r["sql"] or "").upper().startswith("CREATE VIRTUAL")]
        rows = [r for r in rows if not any(r["name"] == v or r["name"].startswith(v + "_") for v in virtual)]
    return sorted(r["name"] for r in rows if r["name"] not in skip)


async def snapshot(*, skip: frozenset[str] = LOGS) -> dict[str, list[str]]:
    """Table -> its rows (as sorted reprs), leaving out the ``skip`` tables and ignored columns."""
    state = {}
    for name in await table_names(skip):
        ignored = IGNORED_COLUMNS.get(name, set())
        rows = await fetch(f'SELECT * FROM "{name}"')
        state[name] = sorted(repr(sorted((k, v) for k, v in dict(r).items() if k not in ignored))
                             for r in rows if made_by_a_request(name, dict(r)))
    return state


def differences(before: dict, after: dict) -> dict[str, int]:
    """Table -> how many rows differ (added, removed or changed); empty when nothing changed."""
    out = {}
    for name in sorted(set(before) | set(after)):
        a, b = set(before.get(name, [])), set(after.get(name, []))
        if a != b:
            out[name] = len(a ^ b)
    return out

"""Build the :class:`Principal` of a session, an API token or a job's user.

A fixed number of queries whatever the user's roles, teams or departments:

1. the session (or token) row joined with its user and the user's department;
2. the user's roles, their grants and their field rules (one UNION ALL);
3. the user's teammates and the members of their department subtree (one
   UNION ALL; the subtree is a prefix query on the indexed materialized path).

Grants: several roles add up; per permission the widest scope wins.
Field rules: a role hides a field or makes it read-only; a user with several
roles is restricted only where *every* role that grants anything on that
entity restricts the field (the most permissive role wins, as for grants).

``team_member_ids`` holds the user's teammates and the user;
``department_member_ids`` the members of the user's department and every
department below it, plus the team members (scopes widen:
own ⊂ team ⊂ department ⊂ all).
"""

from __future__ import annotations

import hmac
from collections import defaultdict
from datetime import datetime
from uuid import UUID

from core.auth.common import as_datetime, as_uuid, fetch, on_postgres, sha256_hex, utcnow
from core.permissions.principal import SCOPE_RANK, Principal, widest

_GRANTS_SQL = """
SELECT 'r' AS k, CAST(ur.role AS TEXT) AS role, '' AS a, '' AS b, '' AS c
  FROM core_user_role ur WHERE ur."user" = {}
UNION ALL
SELECT 'g', CAST(g.role AS TEXT), g.permission, g.scope, ''
  FROM core_role_grant g JOIN core_user_role ur ON ur.role = g.role WHERE ur."user" = {}
UNION ALL
SELECT 'f', CAST(f.role AS TEXT), f.entity, f.field, f.access
  FROM core_role_field_rule f JOIN core_user_role ur ON ur.role = f.role WHERE ur."user" = {}
"""

_TEAM_SQL = """
SELECT 't' AS k, CAST(m2."user" AS TEXT) AS u
  FROM core_team_member m1 JOIN core_team_member m2 ON m2.team = m1.team WHERE m1."user" = {}
"""


def subtree_condition(column: str) -> str:
    """SQL matching department paths under a prefix (one placeholder per bound, see :func:`subtree_args`).

    PostgreSQL: ``LIKE 'prefix%'``, served by the ``varchar_pattern_ops``
    index whatever the database collation. SQLite: a range on the binary
    collation, served by the plain index (paths are lowercase hex digits, so
    ``prefix <= path < prefix || 'g'`` is exactly "starts with prefix").
    """
    if on_postgres():
        return f"{column} LIKE {{}}"
    return f"{column} >= {{}} AND {column} < {{}}"


def subtree_args(prefix: str) -> tuple:
    return (prefix + "%",) if on_postgres() else (prefix, prefix + "g")


def fold_grants(rows: list[dict]) -> tuple[dict[str, str], dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """Rows of ``_GRANTS_SQL`` -> (grants, unreadable, unwritable)."""
    roles: set[str] = set()
    grants: dict[str, str] = {}
    granting: dict[str, set[str]] = defaultdict(set)  # entity key -> roles granting something on it
    rules: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)  # (entity, field) -> role -> access
    for row in rows:
        kind = row["k"]
        if kind == "r":
            roles.add(row["role"])
        elif kind == "g":
            permission, scope = row["a"], row["b"]
            if scope not in SCOPE_RANK or scope == "none":
                continue
            grants[permission] = widest(grants.get(permission, "none"), scope)
            granting[permission.rsplit(".", 1)[0]].add(row["role"])
        elif kind == "f":
            rules[(row["a"], row["b"])][row["role"]] = row["c"]
    unreadable: dict[str, set[str]] = defaultdict(set)
    unwritable: dict[str, set[str]] = defaultdict(set)
    for (entity, name), by_role in rules.items():
        relevant = granting.get(entity) or set(by_role)
        accesses = [by_role.get(role, "full") for role in relevant]
        if all(a == "hidden" for a in accesses):
            unreadable[entity].add(name)
        if all(a in ("hidden", "readonly") for a in accesses):
            unwritable[entity].add(name)
    freeze = lambda d: {k: frozenset(v) for k, v in d.items()}  # noqa: E731
    return grants, freeze(unreadable), freeze(unwritable)


async def members(user_id: UUID, department_path: str | None) -> tuple[frozenset[UUID], frozenset[UUID]]:
    sql, args = _TEAM_SQL, [user_id]
    if department_path:
        sql += (
            "UNION ALL SELECT 'd', CAST(u.id AS TEXT) FROM core_user u "
            f"JOIN core_department d ON d.id = u.department WHERE {subtree_condition('d.path')}"
        )
        args += list(subtree_args(department_path))
    team, department = {user_id}, {user_id}
    for row in await fetch(sql, *args):
        (team if row["k"] == "t" else department).add(as_uuid(row["u"]))
    return frozenset(team), frozenset(department | team)


async def build(user: dict, *, via: str, ip: str = "", token_permissions: frozenset[str] | None = None) -> Principal:
    """The principal of a user row (``user_id``, ``email``, ``name``, ``language``, ``dept_path``...)."""
    user_id = as_uuid(user["user_id"])
    grants, unreadable, unwritable = fold_grants(await fetch(_GRANTS_SQL, user_id, user_id, user_id))
    team, department = await members(user_id, user.get("dept_path"))
    return Principal(
        user_id=user_id,
        email=user["email"],
        name=user.get("name") or "",
        language=user.get("language") or "",  # "": not chosen; the request's language is negotiated (core.i18n)
        timezone=user.get("timezone") or "",  # "": the instance's zone (the i18n middleware fills it in)
        grants=grants,
        team_member_ids=team,
        department_member_ids=department,
        unreadable=unreadable,
        unwritable=unwritable,
        token_permissions=token_permissions,
        via=via,
        ip=ip,
        must_change_password=bool(user.get("must_change_password")) and via == "session",
    )


_USER_COLUMNS = (
    "u.id AS user_id, u.email, u.name, u.language, u.timezone, u.is_active, u.must_change_password, d.path AS dept_path"
)


async def session_row(sid: str) -> dict | None:
    rows = await fetch(
        "SELECT s.id, s.expires_at, s.last_seen_at, s.csrf_token, " + _USER_COLUMNS + " FROM core_session s "
        'JOIN core_user u ON u.id = s."user" LEFT JOIN core_department d ON d.id = u.department WHERE s.id = {}',
        sid,
    )
    return rows[0] if rows else None


# -- API tokens ------------------------------------------------------------------

TOKEN_PREFIX = "kl"


def parse_token(raw: str) -> tuple[str, str] | None:
    """``kl_<prefix>_<secret>`` -> (prefix, secret); the secret may contain ``_``."""
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


async def token_row(prefix: str) -> dict | None:
    rows = await fetch(
        "SELECT t.id AS token_id, t.secret_hash, t.permissions, t.expires_at, t.revoked_at, t.last_used_at, "
        "t.created_at AS issued_at, u.deactivated_at, "
        + _USER_COLUMNS
        + ' FROM core_api_token t JOIN core_user u ON u.id = t."user" '
        "LEFT JOIN core_department d ON d.id = u.department WHERE t.prefix = {}",
        prefix,
    )
    return rows[0] if rows else None


def token_may_be_usable(row: dict) -> bool:
    """What no secret and no clock can change: not revoked, its user active and not deactivated since it was issued."""
    if row["revoked_at"] is not None or not row["is_active"]:
        return False
    # Deactivation revokes tokens too; this holds even if a revocation were undone.
    return not issued_before_deactivation(row["issued_at"], row["deactivated_at"])


def token_usable(row: dict, secret: str, now: datetime) -> bool:
    if not hmac.compare_digest(row["secret_hash"], sha256_hex(secret)):
        return False
    return token_may_be_usable(row) and (row["expires_at"] is None or now < row["expires_at"])


def token_scope(permissions) -> frozenset[str] | None:
    import json

    if isinstance(permissions, str):
        permissions = json.loads(permissions)
    return None if permissions is None else frozenset(permissions)


def issued_before_deactivation(issued_at, deactivated_at) -> bool:
    """A credential issued before the user's last deactivation is void for good,
    even after a reactivation (``core_user.deactivated_at`` keeps that time)."""
    issued, deactivated = as_datetime(issued_at), as_datetime(deactivated_at)
    return deactivated is not None and (issued is None or issued <= deactivated)


async def principal_for_user(user_id: UUID, via: str = "job", issued_at: datetime | None = None) -> Principal | None:
    """A job's principal, rebuilt from the user who started it (inactive: None).

    A credential a plugin keeps for the user (a feed URL's secret, say) passes
    its creation time as ``issued_at``: one issued before the user's last
    deactivation gives None, so reactivating a user revives none of them.

    Built from the database on every call; jobs and feeds use the kept one,
    :func:`core.auth.principal_cache.user_principal`.
    """
    row = await user_row(user_id)
    return await build(row, via=via) if user_may_act(row, issued_at) else None


def user_may_act(row: dict | None, issued_at: datetime | None = None) -> bool:
    """Whether the user of ``row`` (:func:`user_row`) may act now: active and, with ``issued_at``
    (a credential's creation time), not deactivated since that credential was issued."""
    if not row or not row["is_active"]:
        return False
    return issued_at is None or not issued_before_deactivation(issued_at, row["deactivated_at"])


async def user_row(user_id: UUID) -> dict | None:
    """The user row a principal is built from, with ``deactivated_at``; None when there is no such user."""
    rows = await fetch(
        "SELECT " + _USER_COLUMNS + ", u.deactivated_at FROM core_user u "
        "LEFT JOIN core_department d ON d.id = u.department WHERE u.id = {}",
        user_id,
    )
    return rows[0] if rows else None


__all__ = ["build", "session_row", "token_row", "token_may_be_usable", "token_usable", "parse_token", "principal_for_user", "user_row", "user_may_act", "utcnow"]

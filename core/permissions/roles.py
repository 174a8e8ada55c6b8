"""The stock roles, their default grants, and the sync that writes them.

Core declares the stock roles; each plugin states what they get on its own
entities through ``register_default_grants`` (core grants the administrator
everything). :func:`sync_builtin_roles` — run by ``klientela init``,
``klientela db migrate`` and ``klientela demo`` — creates the roles and
writes their grants:

* a builtin role nobody edited gets exactly its defaults (grants added,
  changed or removed as plugins and features come and go);
* a builtin role an administrator edited (``edited``) keeps its grants; it
  only receives defaults for permissions it has never seen (``known``), so
  enabling a plugin later still equips it;
* the administrator role always holds every permission at ``all`` (it
  cannot be edited, so nobody locks the instance out).

Running the sync twice changes nothing the second time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from fnmatch import fnmatchcase

from core.i18n import N_
from core.permissions.principal import widest
from core.permissions.tables import Role, RoleGrant

ADMINISTRATOR = "administrator"


@dataclass(frozen=True)
class StockRole:
    key: str
    label: dict[str, str]
    description: str  # English, stored; shown through _() so a builtin role's reads in the user's language


STOCK_ROLES = (
    StockRole(ADMINISTRATOR, {"en": "Administrator", "ru": "Администратор"}, N_("Everything, on every record; manages users and roles.")),
    StockRole("head_of_sales", {"en": "Head of sales", "ru": "Руководитель отдела продаж"}, N_("Sales and clients of the whole department subtree.")),
    StockRole("sales_manager", {"en": "Sales manager", "ru": "Менеджер по продажам"}, N_("Own clients and deals; reads the team's.")),
    StockRole("marketer", {"en": "Marketer", "ru": "Маркетолог"}, N_("Campaigns and segments; reads the client base.")),
    StockRole("service_engineer", {"en": "Service engineer", "ru": "Сервисный инженер"}, N_("Service requests of the team; reads clients.")),
    StockRole("read_only", {"en": "Read-only", "ru": "Только просмотр"}, N_("Reads everything the edition has; changes nothing.")),
)
STOCK_KEYS = tuple(r.key for r in STOCK_ROLES)


class RoleError(ValueError):
    pass


def default_grants(kernel) -> dict[str, dict[str, str]]:
    """role key -> permission -> scope, from every ``register_default_grants``."""
    permissions = [p.name for p in kernel.permissions()]
    result: dict[str, dict[str, str]] = defaultdict(dict)
    for owner, grants in kernel.collect_by_plugin("register_default_grants"):
        for grant in grants:
            if grant.role not in STOCK_KEYS:
                raise RoleError(f"{owner} grants to unknown role {grant.role!r} (stock roles: {', '.join(STOCK_KEYS)})")
            if owner != "core" and not grant.permission.startswith(f"{owner}."):
                raise RoleError(f"{owner} may only grant its own permissions ({owner}.*), not {grant.permission!r}")
            if grant.scope == "none":
                continue
            for name in permissions:
                if fnmatchcase(name, grant.permission):
                    result[grant.role][name] = widest(result[grant.role].get(name, "none"), grant.scope)
    result[ADMINISTRATOR] = {name: "all" for name in permissions}
    return {key: dict(sorted(result.get(key, {}).items())) for key in STOCK_KEYS}


async def _grants_of(role_id) -> dict[str, tuple]:
    rows = await RoleGrant.select(RoleGrant.id, RoleGrant.permission, RoleGrant.scope).where(RoleGrant.role == role_id)
    return {r["permission"]: (r["id"], r["scope"]) for r in rows}


async def write_grants(role_id, wanted: dict[str, str], current: dict[str, tuple] | None = None) -> list[str]:
    """Make a role's grants exactly ``wanted``; returns the changes as text."""
    current = await _grants_of(role_id) if current is None else current
    changes = []
    stale = [gid for name, (gid, scope) in current.items() if wanted.get(name) != scope]
    if stale:
        await RoleGrant.delete().where(RoleGrant.id.is_in(stale))
    fresh = [RoleGrant(role=role_id, permission=name, scope=scope) for name, scope in wanted.items() if current.get(name, (None, None))[1] != scope]
    if fresh:
        await RoleGrant.insert(*fresh)
    for name in sorted(set(current) | set(wanted)):
        before, after = current.get(name, (None, "none"))[1], wanted.get(name, "none")
        if before != after:
            changes.append(f"{name}: {before} -> {after}")
    return changes


async def sync_builtin_roles(kernel) -> list[str]:
    """Create and update the stock roles; returns one line per change (none: up to date)."""
    from core.db.engine import get_engine

    defaults = default_grants(kernel)
    permissions = {p.name for p in kernel.permissions()}
    lines: list[str] = []
    async with get_engine().transaction():
        existing = {r["key"]: r for r in await Role.select().where(Role.key.is_in(list(STOCK_KEYS))).output(load_json=True)}
        for stock in STOCK_ROLES:
            row = existing.get(stock.key)
            if row is None:
                role = Role(
                    key=stock.key, label_en=stock.label["en"], label_ru=stock.label["ru"],
                    description=stock.description, builtin=True, edited=False, known=[],
                )
                await role.save()
                row = {"id": role.id, "edited": False, "known": [], "builtin": True}
                lines.append(f"role {stock.key}: created")
            elif not row["builtin"]:
                raise RoleError(f"a custom role already uses the stock key {stock.key!r}")
            current = await _grants_of(row["id"])
            wanted = defaults[stock.key]
            known = set(row["known"] or [])
            if row["edited"] and stock.key != ADMINISTRATOR:
                wanted = {name: scope for name, (_, scope) in current.items()}
                for name, scope in defaults[stock.key].items():
                    if name not in known and name not in wanted:
                        wanted[name] = scope
                known_after = sorted(known | permissions)
            else:
                known_after = sorted(permissions)
            lines += [f"role {stock.key}: {c}" for c in await write_grants(row["id"], wanted, current)]
            if known_after != sorted(known):
                await Role.update({Role.known: known_after}).where(Role.id == row["id"])
    return lines

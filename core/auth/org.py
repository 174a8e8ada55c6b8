"""Teams and the department tree.

A department's ``path`` is the 32-hex-digit ids from the root down to it,
concatenated: the subtree of a department is every row whose path starts
with its path (one indexed prefix query, see ``core.auth.principals``).
Moving a department rewrites the paths of its subtree in one UPDATE.
"""

from __future__ import annotations

from uuid import UUID

from core.auth.common import fetch, on_postgres
from core.auth.principals import subtree_args, subtree_condition
from core.auth.tables import Department, Team, TeamMember, User
from core.db.engine import get_engine
from core.entities.base import new_id


class OrgError(ValueError):
    pass


# -- departments -------------------------------------------------------------------


async def create_department(name: str, parent_id: UUID | None = None) -> Department:
    name = name.strip()
    if not name:
        raise OrgError("a department needs a name")
    prefix = ""
    if parent_id is not None:
        parent = await Department.objects().where(Department.id == parent_id).first()
        if parent is None:
            raise OrgError("no such parent department")
        prefix = parent.path
    new = new_id()
    department = Department(id=new, name=name[:200], parent=parent_id, path=prefix + new.hex)
    await department.save()
    return department


async def department_tree() -> list[dict]:
    """Every department in tree order (by path), with its depth and head count."""
    rows = await Department.select(Department.id, Department.name, Department.parent, Department.path).order_by(Department.path)
    counts = {
        r["department"]: r["n"]
        for r in await fetch('SELECT department, count(*) AS n FROM core_user WHERE department IS NOT NULL AND is_active = {} GROUP BY department', True)
    }
    names = {r["id"]: r["name"] for r in rows}
    out = []
    for r in rows:
        out.append({**r, "depth": len(r["path"]) // 32 - 1, "members": counts.get(r["id"], 0) or counts.get(str(r["id"]), 0), "parent_name": names.get(r["parent"], "")})
    # Siblings by name inside the same parent would need a recursive sort; path order keeps children under parents.
    return out


async def subtree_ids(department_id: UUID) -> list[UUID]:
    dept = await Department.objects().where(Department.id == department_id).first()
    if dept is None:
        return []
    rows = await fetch(f"SELECT id FROM core_department WHERE {subtree_condition('path')}", *subtree_args(dept.path))
    return [r["id"] if isinstance(r["id"], UUID) else UUID(str(r["id"])) for r in rows]


async def rename_department(department_id: UUID, name: str) -> None:
    if not name.strip():
        raise OrgError("a department needs a name")
    await Department.update({Department.name: name.strip()[:200]}).where(Department.id == department_id)


async def move_department(department_id: UUID, parent_id: UUID | None) -> None:
    dept = await Department.objects().where(Department.id == department_id).first()
    if dept is None:
        raise OrgError("no such department")
    prefix = ""
    if parent_id is not None:
        parent = await Department.objects().where(Department.id == parent_id).first()
        if parent is None:
            raise OrgError("no such parent department")
        if parent.path.startswith(dept.path):
            raise OrgError("a department cannot move under itself or one of its sub-departments")
        prefix = parent.path
    old, new = dept.path, prefix + dept.id.hex
    if old == new:
        return
    async with get_engine().transaction():
        await Department.update({Department.parent: parent_id}).where(Department.id == department_id)
        # New path = new prefix + the part below the moved node, for the whole subtree.
        # PostgreSQL: the cast, or the bare parameter is taken for SUBSTRING's
        # regular-expression form (text FROM text) and an integer is refused.
        substr = "SUBSTRING(path FROM CAST({} AS INTEGER))" if on_postgres() else "substr(path, {})"
        await fetch(
            f"UPDATE core_department SET path = {{}} || {substr} WHERE {subtree_condition('path')}",
            new, len(old) + 1, *subtree_args(old),
        )


async def delete_department(department_id: UUID) -> None:
    if await Department.exists().where(Department.parent == department_id):
        raise OrgError("move or delete its sub-departments first")
    # Members keep their accounts; they just have no department any more.
    await Department.delete().where(Department.id == department_id)


# -- teams ---------------------------------------------------------------------------


async def create_team(name: str) -> Team:
    name = name.strip()
    if not name:
        raise OrgError("a team needs a name")
    if await Team.exists().where(Team.name == name):
        raise OrgError(f"a team named {name!r} already exists")
    team = Team(name=name[:200])
    await team.save()
    return team


async def team_by_name(name: str, create: bool = False) -> Team | None:
    team = await Team.objects().where(Team.name == name).first()
    if team is None and create:
        team = await create_team(name)
    return team


async def teams_with_members() -> list[dict]:
    teams = await Team.select(Team.id, Team.name).order_by(Team.name)
    members = await TeamMember.select(TeamMember.team, TeamMember.user, TeamMember.user.email, TeamMember.user.name)
    by_team: dict = {}
    for m in members:
        by_team.setdefault(m["team"], []).append({"id": m["user"], "email": m["user.email"], "name": m["user.name"]})
    return [{**t, "members": sorted(by_team.get(t["id"], []), key=lambda m: m["email"])} for t in teams]


async def add_member(team_id: UUID, user_id: UUID) -> None:
    if not await Team.exists().where(Team.id == team_id):
        raise OrgError("no such team")
    if not await User.exists().where(User.id == user_id):
        raise OrgError("no such user")
    if not await TeamMember.exists().where((TeamMember.team == team_id) & (TeamMember.user == user_id)):
        await TeamMember.insert(TeamMember(team=team_id, user=user_id))


async def remove_member(team_id: UUID, user_id: UUID) -> None:
    await TeamMember.delete().where((TeamMember.team == team_id) & (TeamMember.user == user_id))


async def rename_team(team_id: UUID, name: str) -> None:
    name = name.strip()
    if not name:
        raise OrgError("a team needs a name")
    if await Team.exists().where((Team.name == name) & (Team.id != team_id)):
        raise OrgError(f"a team named {name!r} already exists")
    await Team.update({Team.name: name[:200]}).where(Team.id == team_id)


async def delete_team(team_id: UUID) -> None:
    await Team.delete().where(Team.id == team_id)

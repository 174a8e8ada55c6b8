"""The people who own the generated clients: departments, teams, users with roles.

Departments and teams are made through the product's own functions
(``core.auth.org``). Users are inserted into their tables (``core_user``,
``core_user_role``, ``core_team_member``) with one password hash computed
once: ``create_user`` hashes each password with argon2 (~0.5 s apiece on
these machines), which made the org cost more than thousands of clients.

Three departments, two teams each, four sales managers per team, one head of
sales per department. Clients are spread over the sales managers, so a sales
manager's "team" scope reads about 1/6 of the rows and "own" about 1/24 —
the record scopes of P2 are meaningful.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

DEPARTMENTS = ("Москва", "Санкт-Петербург", "Export")
TEAMS_PER_DEPARTMENT = 2
MANAGERS_PER_TEAM = 4
PASSWORD = "bench-user-password"  # every generated user's; a throw-away database only
DOMAIN = "bench.klientela.example"


def manager_email(department: int, team: int, n: int) -> str:
    return f"sales-{department + 1}{team + 1}{n + 1}@{DOMAIN}"


def head_email(department: int) -> str:
    return f"head-{department + 1}@{DOMAIN}"


# The sales manager whose list P2 measures: first team of the first department.
MEASURED_MANAGER = manager_email(0, 0, 0)


@dataclass
class Org:
    managers: list[UUID]  # owners of clients, in a fixed order (seeded choice picks from it)
    emails: dict[UUID, str]
    heads: list[UUID]  # the head of sales of each department, in DEPARTMENTS order (they give assignments)


async def existing_org() -> Org | None:
    """The org of an earlier run on this database, when there is one."""
    from core.auth.users import user_by_email

    managers, emails, heads = [], {}, []
    for d in range(len(DEPARTMENTS)):
        head = await user_by_email(head_email(d))
        if head is None:
            return None
        heads.append(head.id)
        for t in range(TEAMS_PER_DEPARTMENT):
            for n in range(MANAGERS_PER_TEAM):
                user = await user_by_email(manager_email(d, t, n))
                if user is None:
                    return None
                managers.append(user.id)
                emails[user.id] = user.email
    return Org(managers, emails, heads)


async def make_org() -> Org:
    from core.auth.org import create_department, create_team
    from core.auth.passwords import hash_password
    from core.auth.tables import TeamMember, User
    from core.auth.users import role_ids
    from core.permissions.tables import UserRole

    found = await existing_org()
    if found:
        return found
    password_hash = hash_password(PASSWORD)
    roles = await role_ids(["head_of_sales", "sales_manager"])
    users, links, members = [], [], []
    managers, emails, heads = [], {}, []

    def user(email: str, name: str, role: str, department) -> User:
        row = User(email=email, name=name, password_hash=password_hash, department=department)
        users.append(row)
        links.append(UserRole(user=row.id, role=roles[role]))
        emails[row.id] = email
        return row

    for d, department_name in enumerate(DEPARTMENTS):
        department = await create_department(f"Bench {department_name}")
        heads.append(user(head_email(d), f"Head {department_name}", "head_of_sales", department.id).id)
        for t in range(TEAMS_PER_DEPARTMENT):
            team = await create_team(f"Bench {department_name} {t + 1}")
            for n in range(MANAGERS_PER_TEAM):
                row = user(manager_email(d, t, n), f"Manager {d + 1}{t + 1}{n + 1}", "sales_manager", department.id)
                members.append(TeamMember(team=team.id, user=row.id))
                managers.append(row.id)
    await User.insert(*users)
    await UserRole.insert(*links)
    await TeamMember.insert(*members)
    return Org(managers, emails, heads)

"""/admin/teams and /admin/departments (the tree)."""

from __future__ import annotations

from uuid import UUID

from litestar.params import FromPath
from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from core.auth import org
from core.auth.admin.common import done, form_uuid, page
from core.auth.tables import Department, Team, User
from core.i18n import _

TEAMS = "/admin/teams"
DEPARTMENTS = "/admin/departments"


# -- teams ---------------------------------------------------------------------------


async def _teams_page(request: Request, errors=None, values=None, status: int = 200) -> Template:
    users = await User.select(User.id, User.email, User.name).where(User.is_active == True).order_by(User.email)  # noqa: E712
    return page(request, "teams", {"teams": await org.teams_with_members(), "users": users, "errors": errors or {}, "values": values or {}}, status)


@get(TEAMS, name="core:admin-teams", opt={"permission": "core.team.read"}, include_in_schema=False)
async def list_teams(request: Request) -> Template:
    return await _teams_page(request)


@post(TEAMS, name="core:admin-team-create", opt={"permission": "core.team.write"}, include_in_schema=False, status_code=303)
async def create_team(request: Request) -> Template | Redirect:
    name = ((await request.form()).get("name") or "").strip()
    try:
        await org.create_team(name)
    except org.OrgError as exc:
        return await _teams_page(request, {"name": str(exc)}, {"name": name}, 400)
    return done(TEAMS, "created")


async def _team_or_404(team_id: UUID) -> None:
    if not await Team.exists().where(Team.id == team_id):
        raise NotFoundException()


@post(f"{TEAMS}/{{team_id:uuid}}", name="core:admin-team-save", opt={"permission": "core.team.write"}, include_in_schema=False, status_code=303)
async def rename_team(request: Request, team_id: FromPath[UUID]) -> Template | Redirect:
    await _team_or_404(team_id)
    try:
        await org.rename_team(team_id, (await request.form()).get("name") or "")
    except org.OrgError as exc:
        return await _teams_page(request, {str(team_id): str(exc)}, status=400)
    return done(TEAMS, "saved")


@post(f"{TEAMS}/{{team_id:uuid}}/members", name="core:admin-team-member-add", opt={"permission": "core.team.write"}, include_in_schema=False, status_code=303)
async def add_member(request: Request, team_id: FromPath[UUID]) -> Template | Redirect:
    await _team_or_404(team_id)
    user_id = form_uuid((await request.form()).get("user"))
    try:
        if user_id is None:
            raise org.OrgError(_("Choose a user."))
        await org.add_member(team_id, user_id)
    except org.OrgError as exc:
        return await _teams_page(request, {str(team_id): str(exc)}, status=400)
    return done(TEAMS, "saved")


@post(f"{TEAMS}/{{team_id:uuid}}/members/{{user_id:uuid}}/remove", name="core:admin-team-member-remove", opt={"permission": "core.team.write"}, include_in_schema=False, status_code=303)
async def remove_member(request: Request, team_id: FromPath[UUID], user_id: FromPath[UUID]) -> Redirect:
    await _team_or_404(team_id)
    await org.remove_member(team_id, user_id)
    return done(TEAMS, "saved")


@post(f"{TEAMS}/{{team_id:uuid}}/delete", name="core:admin-team-delete", opt={"permission": "core.team.write"}, include_in_schema=False, status_code=303)
async def delete_team(request: Request, team_id: FromPath[UUID]) -> Redirect:
    await _team_or_404(team_id)
    await org.delete_team(team_id)
    return done(TEAMS, "deleted")


# -- departments ---------------------------------------------------------------------


async def _departments_page(request: Request, errors=None, values=None, status: int = 200) -> Template:
    return page(request, "departments", {"departments": await org.department_tree(), "errors": errors or {}, "values": values or {}}, status)


@get(DEPARTMENTS, name="core:admin-departments", opt={"permission": "core.department.read"}, include_in_schema=False)
async def list_departments(request: Request) -> Template:
    return await _departments_page(request)


@post(DEPARTMENTS, name="core:admin-department-create", opt={"permission": "core.department.write"}, include_in_schema=False, status_code=303)
async def create_department(request: Request) -> Template | Redirect:
    form = await request.form()
    name = (form.get("name") or "").strip()
    try:
        await org.create_department(name, form_uuid(form.get("parent")))
    except org.OrgError as exc:
        return await _departments_page(request, {"name": str(exc)}, {"name": name}, 400)
    return done(DEPARTMENTS, "created")


async def _department_or_404(department_id: UUID) -> None:
    if not await Department.exists().where(Department.id == department_id):
        raise NotFoundException()


@post(f"{DEPARTMENTS}/{{department_id:uuid}}", name="core:admin-department-save", opt={"permission": "core.department.write"}, include_in_schema=False, status_code=303)
async def save_department(request: Request, department_id: FromPath[UUID]) -> Template | Redirect:
    await _department_or_404(department_id)
    form = await request.form()
    try:
        await org.rename_department(department_id, form.get("name") or "")
        await org.move_department(department_id, form_uuid(form.get("parent")))
    except org.OrgError as exc:
        return await _departments_page(request, {str(department_id): str(exc)}, status=400)
    return done(DEPARTMENTS, "saved")


@post(f"{DEPARTMENTS}/{{department_id:uuid}}/delete", name="core:admin-department-delete", opt={"permission": "core.department.write"}, include_in_schema=False, status_code=303)
async def delete_department(request: Request, department_id: FromPath[UUID]) -> Template | Redirect:
    await _department_or_404(department_id)
    try:
        await org.delete_department(department_id)
    except org.OrgError as exc:
        return await _departments_page(request, {str(department_id): str(exc)}, status=400)
    return done(DEPARTMENTS, "deleted")


ROUTES = [
    list_teams, create_team, rename_team, add_member, remove_member, delete_team,
    list_departments, create_department, save_department, delete_department,
]

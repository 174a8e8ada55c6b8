"""/admin/users: list, create (with a temporary password), edit, roles, deactivate.

The list and the user pages honour the scope of ``core.user.read``: a head of
sales granted it at ``department`` sees the users of their department subtree.
"""

from __future__ import annotations

from uuid import UUID

from litestar.params import FromPath
from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from core.auth import tokens as token_service
from core.auth import users as service
from core.auth.admin.common import done, form_list, form_uuid, page
from core.auth.org import department_tree
from core.auth.passwords import WeakPassword
from core.auth.tables import Team, TeamMember, User
from core.i18n import _
from core.permissions.principal import Principal
from core.permissions.request import principal_of
from core.permissions.tables import Role, UserRole

BASE = "/admin/users"


def _visible(principal: Principal, permission: str = "core.user.read"):
    """A WHERE clause for the users this principal may see, or None for all."""
    scope = principal.scope(permission)
    if scope == "all":
        return None
    ids = {
        "department": principal.department_member_ids,
        "team": principal.team_member_ids,
        "own": frozenset({principal.user_id}),
    }.get(scope, frozenset())
    return User.id.is_in(list(ids) or [principal.user_id])


async def _user_or_404(request: Request, user_id: UUID) -> User:
    """The user, if within the scope of the route's own permission; else 404."""
    query = User.objects().where(User.id == user_id)
    visible = _visible(principal_of(request), request.route_handler.opt["permission"])
    if visible is not None:
        query = query.where(visible)
    user = await query.first()
    if user is None:
        raise NotFoundException()
    return user


async def _roles() -> list[dict]:
    return await Role.select(Role.id, Role.key, Role.label_en, Role.label_ru).order_by(Role.builtin, ascending=False).order_by(Role.key)


async def _list_context(request: Request) -> dict:
    principal = principal_of(request)
    query = User.select(
        User.id, User.email, User.name, User.is_active, User.last_login_at, User.department.name, User.must_change_password
    ).order_by(User.email)
    visible = _visible(principal)
    if visible is not None:
        query = query.where(visible)
    q = (request.query_params.get("q") or "").strip().lower()
    if q:
        query = query.where(User.email.ilike(f"%{q}%") | User.name.ilike(f"%{q}%"))
    status = request.query_params.get("status") or "active"
    if status in ("active", "inactive"):
        query = query.where(User.is_active == (status == "active"))
    users = await query.limit(500)
    roles = {}
    for r in await UserRole.select(UserRole.user, UserRole.role.key):
        roles.setdefault(r["user"], []).append(r["role.key"])
    teams = {}
    for t in await TeamMember.select(TeamMember.user, TeamMember.team.name):
        teams.setdefault(t["user"], []).append(t["team.name"])
    for u in users:
        u["roles"] = sorted(roles.get(u["id"], []))
        u["teams"] = sorted(teams.get(u["id"], []))
    edition = request.app.state.kernel.edition
    return {
        "users": users, "q": q, "status": status, "roles": await _roles(),
        "max_users": edition.max_users, "active": await service.active_count(),
        "values": {}, "errors": {},
    }


@get(BASE, name="core:admin-users", opt={"permission": "core.user.read"}, include_in_schema=False)
async def list_users(request: Request) -> Template:
    return page(request, "users", await _list_context(request))


@post(BASE, name="core:admin-user-create", opt={"permission": "core.user.create"}, include_in_schema=False)
async def create_user(request: Request) -> Template:
    principal = principal_of(request)
    form = await request.form()
    values = {"email": (form.get("email") or "").strip(), "name": (form.get("name") or "").strip(), "roles": form_list(form, "roles")}
    errors: dict[str, str] = {}
    password = form.get("password") or None
    if values["roles"] and not principal.can("core.user.assign"):
        errors["roles"] = _("You may not assign roles.")
    if not values["email"]:
        errors["email"] = _("Enter an email address.")
    if not errors:
        try:
            user, password = await service.create_user(
                values["email"], name=values["name"], password=password, roles=values["roles"],
                max_users=request.app.state.kernel.edition.max_users, must_change_password=True, request=request,
            )
        except WeakPassword as exc:
            errors["password"] = str(exc)
        except service.UserError as exc:
            errors["roles" if "role" in str(exc) else "email"] = str(exc)
    if errors:
        context = await _list_context(request)
        context.update(values=values, errors=errors)
        return page(request, "users", context, status=400)
    return page(request, "secret", {
        "title": _("User created"),
        "text": _("Give this temporary password to %(email)s; it is shown only once. They must choose their own at the first sign-in.") % {"email": user.email},
        "secret": password, "back": f"{BASE}/{user.id}",
    })


@get(f"{BASE}/{{user_id:uuid}}", name="core:admin-user", opt={"permission": "core.user.read"}, include_in_schema=False)
async def show_user(request: Request, user_id: FromPath[UUID]) -> Template:
    return page(request, "user", await _user_context(request, user_id))


async def _user_context(request: Request, user_id: UUID, errors: dict | None = None) -> dict:
    user = await _user_or_404(request, user_id)
    member_of = {r["team"] for r in await TeamMember.select(TeamMember.team).where(TeamMember.user == user_id)}
    return {
        "user": user,
        "user_roles": await service.roles_of(user_id),
        "roles": await _roles(),
        "teams": await Team.select(Team.id, Team.name).order_by(Team.name),
        "member_of": member_of,
        "departments": await department_tree(),
        "tokens": await token_service.list_tokens(user_id),
        "errors": errors or {},
    }


async def _error_page(request: Request, user_id: UUID, field: str, message: str) -> Template:
    return page(request, "user", await _user_context(request, user_id, {field: message}), status=400)


@post(f"{BASE}/{{user_id:uuid}}", name="core:admin-user-save", opt={"permission": "core.user.write"}, include_in_schema=False, status_code=303)
async def save_user(request: Request, user_id: FromPath[UUID]) -> Template | Redirect:
    user = await _user_or_404(request, user_id)
    form = await request.form()
    name = (form.get("name") or "").strip()
    if not name:
        return await _error_page(request, user_id, "name", _("Enter a name."))
    team_ids = [t for t in (form_uuid(v) for v in form_list(form, "teams")) if t]
    try:
        await User.update({User.name: name[:200]}).where(User.id == user.id)
        await service.set_department(user.id, form_uuid(form.get("department")))
        await service.set_teams(user.id, team_ids)
    except service.UserError as exc:
        return await _error_page(request, user_id, "department", str(exc))
    return done(f"{BASE}/{user_id}", "saved")


@post(f"{BASE}/{{user_id:uuid}}/roles", name="core:admin-user-roles", opt={"permission": "core.user.assign"}, include_in_schema=False, status_code=303)
async def save_roles(request: Request, user_id: FromPath[UUID]) -> Template | Redirect:
    await _user_or_404(request, user_id)
    form = await request.form()
    try:
        await service.set_roles(user_id, form_list(form, "roles"), request=request)
    except service.UserError as exc:
        return await _error_page(request, user_id, "roles", str(exc))
    return done(f"{BASE}/{user_id}", "roles")


@post(f"{BASE}/{{user_id:uuid}}/deactivate", name="core:admin-user-deactivate", opt={"permission": "core.user.delete"}, include_in_schema=False, status_code=303)
async def deactivate(request: Request, user_id: FromPath[UUID]) -> Template | Redirect:
    await _user_or_404(request, user_id)
    if user_id == principal_of(request).user_id:
        return await _error_page(request, user_id, "status", _("You cannot deactivate yourself."))
    try:
        await service.deactivate_user(user_id, request=request)
    except service.UserError as exc:
        return await _error_page(request, user_id, "status", str(exc))
    return done(f"{BASE}/{user_id}", "deactivated")


@post(f"{BASE}/{{user_id:uuid}}/reactivate", name="core:admin-user-reactivate", opt={"permission": "core.user.create"}, include_in_schema=False, status_code=303)
async def reactivate(request: Request, user_id: FromPath[UUID]) -> Template | Redirect:
    await _user_or_404(request, user_id)
    try:
        await service.reactivate_user(user_id, max_users=request.app.state.kernel.edition.max_users, request=request)
    except service.UserError as exc:
        return await _error_page(request, user_id, "status", str(exc))
    return done(f"{BASE}/{user_id}", "reactivated")


@post(f"{BASE}/{{user_id:uuid}}/password", name="core:admin-user-password", opt={"permission": "core.user.write"}, include_in_schema=False)
async def reset_password(request: Request, user_id: FromPath[UUID]) -> Template:
    user = await _user_or_404(request, user_id)
    password = await service.reset_password(user_id, request=request)
    return page(request, "secret", {
        "title": _("Password reset"),
        "text": _("The new temporary password of %(email)s is shown only once; their sessions have ended "
                  "and their API tokens are revoked.") % {"email": user.email},
        "secret": password, "back": f"{BASE}/{user_id}",
    })


@post(f"{BASE}/{{user_id:uuid}}/tokens/{{token_id:uuid}}/revoke", name="core:admin-user-token-revoke", opt={"permission": "core.user.write"}, include_in_schema=False, status_code=303)
async def revoke_user_token(request: Request, user_id: FromPath[UUID], token_id: FromPath[UUID]) -> Redirect:
    await _user_or_404(request, user_id)
    if not await token_service.revoke_token(token_id, owner=user_id, request=request):
        raise NotFoundException()
    return done(f"{BASE}/{user_id}", "revoked")


ROUTES = [list_users, create_user, show_user, save_user, save_roles, deactivate, reactivate, reset_password, revoke_user_token]

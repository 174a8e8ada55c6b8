"""/admin/roles: the roles, each edited as a permission x scope matrix plus field rules.

Editing a builtin role marks it ``edited`` so the sync step keeps the
change; "Restore defaults" clears the mark and puts back the default grants
and no field rules (stock roles have none). The administrator role always
holds everything and cannot be edited (nobody locks the instance out).
Every change writes one ``role_changed`` security event listing it.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from uuid import UUID

from litestar.params import FromPath
from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from core.auth import events
from core.auth.admin.common import done, page
from core.hooks.contributions import ACTIONS, SCOPES
from core.i18n import _
from core.permissions.roles import ADMINISTRATOR, default_grants, write_grants
from core.permissions.tables import Role, RoleFieldRule, RoleGrant, UserRole

BASE = "/admin/roles"
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{1,62}$")
ACCESS = ("hidden", "readonly")


async def _role_or_404(key: str) -> dict:
    role = await Role.select().where(Role.key == key).first().output(load_json=True)
    if role is None:
        raise NotFoundException()
    return role


def _matrix(kernel, grants: dict[str, str]) -> tuple[list[str], list[dict], list[dict]]:
    """Rows per entity (``plugin.entity``), a cell per action that exists; and the permissions
    whose action is not one of the matrix's columns (``core.saved_view.share``,
    ``sales.deal.discount_over_limit``), listed apart by their labels. Each is a select of
    the form: a permission the page did not show would read as "none" when saved."""
    rows: OrderedDict[str, dict] = OrderedDict()
    others = []
    for permission in sorted(kernel.permissions(), key=lambda p: p.name):
        entity, action = permission.name.rsplit(".", 1)
        cell = {"permission": permission.name, "scope": grants.get(permission.name, "none"), "label": permission.label}
        if action in ACTIONS:
            rows.setdefault(entity, {"entity": entity, "cells": {}})["cells"][action] = cell
        else:
            others.append(cell)
    actions = [a for a in ACTIONS if any(a in r["cells"] for r in rows.values())]
    return actions, list(rows.values()), others


async def _role_context(request: Request, role: dict, errors: dict | None = None) -> dict:
    kernel = request.app.state.kernel
    grants = {r["permission"]: r["scope"] for r in await RoleGrant.select(RoleGrant.permission, RoleGrant.scope).where(RoleGrant.role == role["id"])}
    actions, rows, others = _matrix(kernel, grants)
    rules = await RoleFieldRule.select().where(RoleFieldRule.role == role["id"]).order_by(RoleFieldRule.entity).order_by(RoleFieldRule.field)
    try:
        entities = {key: [f.name for f in entity.fields] for key, entity in kernel.entities.items()}
    except Exception:  # the registry is optional here: field rules then take free text
        entities = {}
    return {
        "role": role, "actions": actions, "rows": rows, "others": others, "scopes": SCOPES, "rules": rules, "access": ACCESS,
        "entities": entities, "locked": role["key"] == ADMINISTRATOR, "errors": errors or {},
        "members": await UserRole.count().where(UserRole.role == role["id"]),
    }


@get(BASE, name="core:admin-roles", opt={"permission": "core.role.read"}, include_in_schema=False)
async def list_roles(request: Request) -> Template:
    return page(request, "roles", await _list_context())


async def _list_context(values=None, errors=None) -> dict:
    roles = await Role.select(Role.id, Role.key, Role.label_en, Role.label_ru, Role.description, Role.builtin, Role.edited).order_by(Role.builtin, ascending=False).order_by(Role.key)
    members, grants = {}, {}
    for r in await UserRole.select(UserRole.role):
        members[r["role"]] = members.get(r["role"], 0) + 1
    for r in await RoleGrant.select(RoleGrant.role):
        grants[r["role"]] = grants.get(r["role"], 0) + 1
    for r in roles:
        r["members"], r["grants"] = members.get(r["id"], 0), grants.get(r["id"], 0)
    return {"roles": roles, "values": values or {}, "errors": errors or {}}


@post(BASE, name="core:admin-role-create", opt={"permission": "core.role.write"}, include_in_schema=False, status_code=303)
async def create_role(request: Request) -> Template | Redirect:
    form = await request.form()
    values = {k: (form.get(k) or "").strip() for k in ("key", "label_en", "label_ru", "description", "copy_from")}
    errors = {}
    if not KEY_RE.match(values["key"]):
        errors["key"] = _("Use 2-63 lowercase letters, digits or _, starting with a letter.")
    elif await Role.exists().where(Role.key == values["key"]):
        errors["key"] = _("A role with this key exists.")
    if not values["label_en"]:
        errors["label_en"] = _("Enter a name.")
    source = None
    if values["copy_from"]:
        source = await Role.select(Role.id).where(Role.key == values["copy_from"]).first()
        if source is None:
            errors["copy_from"] = _("No such role.")
    if errors:
        return page(request, "roles", await _list_context(values, errors), status=400)
    role = Role(key=values["key"], label_en=values["label_en"], label_ru=values["label_ru"] or values["label_en"], description=values["description"], builtin=False)
    await role.save()
    if source:
        grants = await RoleGrant.select(RoleGrant.permission, RoleGrant.scope).where(RoleGrant.role == source["id"])
        await write_grants(role.id, {g["permission"]: g["scope"] for g in grants}, {})
    await events.record("role_changed", request=request, detail={"role": role.key, "created": True, "copied_from": values["copy_from"] or None})
    return done(f"{BASE}/{role.key}", "created")


@get(f"{BASE}/{{key:str}}", name="core:admin-role", opt={"permission": "core.role.read"}, include_in_schema=False)
async def show_role(request: Request, key: FromPath[str]) -> Template:
    return page(request, "role", await _role_context(request, await _role_or_404(key)))


@post(f"{BASE}/{{key:str}}", name="core:admin-role-save", opt={"permission": "core.role.write"}, include_in_schema=False, status_code=303)
async def save_grants(request: Request, key: FromPath[str]) -> Template | Redirect:
    role = await _role_or_404(key)
    if role["key"] == ADMINISTRATOR:
        return page(request, "role", await _role_context(request, role, {"grants": _("The administrator role always holds everything.")}), status=400)
    form = await request.form()
    known = {p.name for p in request.app.state.kernel.permissions()}
    wanted = {}
    for name in known:
        scope = form.get(f"grant.{name}") or "none"
        if scope not in SCOPES:
            return page(request, "role", await _role_context(request, role, {"grants": _("Unknown scope %(scope)r.") % {"scope": scope}}), status=400)
        if scope != "none":
            wanted[name] = scope
    # Grants of permissions this app does not show (a disabled plugin) are kept.
    current = {r["permission"]: (r["id"], r["scope"]) for r in await RoleGrant.select(RoleGrant.id, RoleGrant.permission, RoleGrant.scope).where(RoleGrant.role == role["id"])}
    wanted.update({name: scope for name, (_gid, scope) in current.items() if name not in known})
    changes = await write_grants(role["id"], wanted, current)
    if changes:
        if role["builtin"]:
            await Role.update({Role.edited: True}).where(Role.id == role["id"])
        await events.record("role_changed", request=request, detail={"role": key, "grants": changes})
    return done(f"{BASE}/{key}", "saved")


@post(f"{BASE}/{{key:str}}/reset", name="core:admin-role-reset", opt={"permission": "core.role.write"}, include_in_schema=False, status_code=303)
async def reset_role(request: Request, key: FromPath[str]) -> Redirect:
    role = await _role_or_404(key)
    if not role["builtin"]:
        raise NotFoundException()
    changes = await write_grants(role["id"], default_grants(request.app.state.kernel)[key])
    # Stock roles come with no field rules: the ones an administrator added go too.
    rules = await RoleFieldRule.select(RoleFieldRule.entity, RoleFieldRule.field, RoleFieldRule.access).where(RoleFieldRule.role == role["id"])
    if rules:
        await RoleFieldRule.delete().where(RoleFieldRule.role == role["id"])
        changes += [f"field rule {r['entity']}.{r['field']}: {r['access']} -> removed" for r in rules]
    await Role.update({Role.edited: False, Role.known: sorted(p.name for p in request.app.state.kernel.permissions())}).where(Role.id == role["id"])
    await events.record("role_changed", request=request, detail={"role": key, "grants": changes, "reset": True})
    return done(f"{BASE}/{key}", "reset")


@post(f"{BASE}/{{key:str}}/fields", name="core:admin-role-field-add", opt={"permission": "core.role.write"}, include_in_schema=False, status_code=303)
async def add_field_rule(request: Request, key: FromPath[str]) -> Template | Redirect:
    role = await _role_or_404(key)
    form = await request.form()
    entity, field, access = ((form.get(k) or "").strip() for k in ("entity", "field", "access"))
    context = await _role_context(request, role)
    error = None
    if access not in ACCESS:
        error = _("Choose hidden or read-only.")
    elif context["entities"] and entity not in context["entities"]:
        error = _("No such entity.")
    elif not re.match(r"^[a-z][a-z0-9_]{0,62}$", field):
        error = _("Enter a field name.")
    if error:
        context["errors"] = {"fields": error}
        return page(request, "role", context, status=400)
    await RoleFieldRule.delete().where((RoleFieldRule.role == role["id"]) & (RoleFieldRule.entity == entity) & (RoleFieldRule.field == field))
    await RoleFieldRule.insert(RoleFieldRule(role=role["id"], entity=entity, field=field, access=access))
    if role["builtin"]:
        await Role.update({Role.edited: True}).where(Role.id == role["id"])
    await events.record("role_changed", request=request, detail={"role": key, "field_rule": f"{entity}.{field}: {access}"})
    return done(f"{BASE}/{key}", "saved")


@post(f"{BASE}/{{key:str}}/fields/{{rule_id:uuid}}/delete", name="core:admin-role-field-delete", opt={"permission": "core.role.write"}, include_in_schema=False, status_code=303)
async def delete_field_rule(request: Request, key: FromPath[str], rule_id: FromPath[UUID]) -> Redirect:
    role = await _role_or_404(key)
    rule = await RoleFieldRule.select().where((RoleFieldRule.id == rule_id) & (RoleFieldRule.role == role["id"])).first()
    if rule is None:
        raise NotFoundException()
    await RoleFieldRule.delete().where(RoleFieldRule.id == rule_id)
    await events.record("role_changed", request=request, detail={"role": key, "field_rule": f"{rule['entity']}.{rule['field']}: removed"})
    return done(f"{BASE}/{key}", "saved")


@post(f"{BASE}/{{key:str}}/delete", name="core:admin-role-delete", opt={"permission": "core.role.write"}, include_in_schema=False, status_code=303)
async def delete_role(request: Request, key: FromPath[str]) -> Template | Redirect:
    role = await _role_or_404(key)
    if role["builtin"]:
        return page(request, "role", await _role_context(request, role, {"delete": _("Stock roles cannot be deleted.")}), status=400)
    await Role.delete().where(Role.id == role["id"])
    await events.record("role_changed", request=request, detail={"role": key, "deleted": True})
    return done(BASE, "deleted")


ROUTES = [list_roles, create_role, show_role, save_grants, reset_role, add_field_rule, delete_field_rule, delete_role]

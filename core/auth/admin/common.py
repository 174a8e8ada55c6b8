"""What the administration screens share: rendering, notices, the section list."""

from __future__ import annotations

from uuid import UUID

from litestar.response import Redirect, Template

from core.i18n import N_, _
from core.permissions.request import principal_of

SECTIONS = (
    # url, label, permission (None: any signed-in user)
    ("/admin/users", N_("Users"), "core.user.read"),
    ("/admin/roles", N_("Roles"), "core.role.read"),
    ("/admin/teams", N_("Teams"), "core.team.read"),
    ("/admin/departments", N_("Departments"), "core.department.read"),
    ("/admin/tokens", N_("My API tokens"), None),
    ("/admin/security", N_("Security events"), "core.security.read"),
)

NOTICES = {
    "created": N_("Created."),
    "saved": N_("Saved."),
    "deleted": N_("Deleted."),
    "deactivated": N_("The user is deactivated; their sessions have ended and their API tokens are revoked."),
    "reactivated": N_("The user is active again."),
    "revoked": N_("The token is revoked."),
    "roles": N_("Roles saved."),
    "reset": N_("The role is back to its default grants."),
}


def sections(request) -> list[dict]:
    principal = principal_of(request)
    return [
        {"url": url, "label": label, "current": request.url.path.startswith(url)}
        for url, label, permission in SECTIONS
        if permission is None or principal.can(permission)
    ]


def page(request, name: str, context: dict | None = None, status: int = 200) -> Template:
    code = request.query_params.get("done", "")
    context = {
        "sections": sections(request),
        "notice": _(NOTICES[code]) if code in NOTICES else "",
        "me": principal_of(request),
        **(context or {}),
    }
    return Template(template_name=f"core/admin/{name}.html", context=context, status_code=status)


def done(url: str, code: str) -> Redirect:
    return Redirect(path=f"{url}?done={code}", status_code=303)


def form_uuid(value) -> UUID | None:
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


def form_list(form, name: str) -> list[str]:
    return [v for v in form.getall(name, []) if isinstance(v, str) and v]

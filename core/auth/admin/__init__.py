"""The administration screens (server-rendered, extending ``layout.html``)."""

from __future__ import annotations

from litestar import Request, get
from litestar.response import Template

from core.auth.admin import org, roles, security, tokens, users
from core.auth.admin.common import page


@get("/admin/", name="core:admin", opt={"authenticated": True}, include_in_schema=False)
async def admin_index(request: Request) -> Template:
    return page(request, "index")


ROUTES = [admin_index, *users.ROUTES, *roles.ROUTES, *org.ROUTES, *tokens.ROUTES, *security.ROUTES]

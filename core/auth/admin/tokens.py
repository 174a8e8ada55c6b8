"""/admin/tokens: my API tokens — create (the secret is shown once), revoke.

Tokens are created from a signed-in browser session only: a token cannot
mint other tokens. A token may be narrowed to some of the permissions its
user holds now.
"""

from __future__ import annotations

from uuid import UUID

from litestar.params import FromPath
from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from core.auth import tokens as service
from core.auth.admin.common import done, form_list, page
from core.i18n import _
from core.permissions.request import principal_of

BASE = "/admin/tokens"
OPT = {"authenticated": True}


async def _page(request: Request, errors=None, values=None, status: int = 200) -> Template:
    principal = principal_of(request)
    return page(request, "tokens", {
        "tokens": await service.list_tokens(principal.user_id),
        "my_permissions": sorted(principal.permissions),
        "errors": errors or {}, "values": values or {},
    }, status)


@get(BASE, name="core:admin-tokens", opt=OPT, include_in_schema=False)
async def list_tokens(request: Request) -> Template:
    return await _page(request)


@post(BASE, name="core:admin-token-create", opt=OPT, include_in_schema=False)
async def create_token(request: Request) -> Template:
    principal = principal_of(request)
    if principal.via != "session":
        raise NotFoundException()
    form = await request.form()
    values = {"name": (form.get("name") or "").strip(), "permissions": form_list(form, "permissions"), "expires": (form.get("expires") or "").strip()}
    errors = {}
    expires = None
    if values["expires"]:
        try:
            expires = int(values["expires"])
        except ValueError:
            errors["expires"] = _("Enter a number of days.")
    if not errors:
        try:
            _row, secret = await service.create_token(
                principal.user_id, values["name"], permissions=values["permissions"] if form.get("narrow") else None,
                expires_in_days=expires, known_permissions=set(principal.permissions), request=request,
            )
        except service.TokenError as exc:
            errors["name" if "name" in str(exc) else "expires" if "day" in str(exc) else "permissions"] = str(exc)
    if errors:
        return await _page(request, errors, values, 400)
    return page(request, "secret", {
        "title": _("API token created"),
        "text": _("Copy the token now: it is shown only once. Send it as the header Authorization: Bearer <token>."),
        "secret": secret, "back": BASE,
    })


@post(f"{BASE}/{{token_id:uuid}}/revoke", name="core:admin-token-revoke", opt=OPT, include_in_schema=False, status_code=303)
async def revoke_token(request: Request, token_id: FromPath[UUID]) -> Redirect:
    if not await service.revoke_token(token_id, owner=principal_of(request).user_id, request=request):
        raise NotFoundException()
    return done(BASE, "revoked")


ROUTES = [list_tokens, create_token, revoke_token]

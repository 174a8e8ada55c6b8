"""Sign in, sign out, change one's password, and the small ``/api/auth`` API.

``POST /login`` in order: the form's double-submit CSRF token (a foreign
site cannot sign a victim into another account), required fields, the
throttle (``core.auth.throttle``; a refused client is told how long to wait),
the password (argon2id, re-hashed when the parameters changed; an unknown
email costs the same time as a wrong password), then a brand-new session —
the one the client came with, if any, is deleted, and a chosen or stale
cookie is never adopted. Every outcome is a ``core_login_attempt`` row and
a security event.
"""

from __future__ import annotations

import secrets
from uuid import UUID

from litestar.params import FromPath
from litestar import Request, delete, get, post
from litestar.datastructures import Cookie
from litestar.exceptions import NotFoundException
from litestar.openapi import ResponseSpec
from litestar.response import Redirect, Response, Template

from core.auth import devices, events, sessions, throttle
from core.auth.common import utcnow
from core.auth.csrf import tokens_match
from core.auth.guard import PASSWORD_PATH, local_path
from core.auth.passwords import WeakPassword, dummy_hash, hash_password_async, needs_rehash, verify_password_async
from core.auth.slots import sign_in_slots
from core.auth.tables import User
from core.auth.tokens import revoke_token
from core.auth.users import change_password
from core.i18n import N_, _
from core.i18n.browser_zone import FIELD as ZONE_FIELD, adopt_browser_zone
from core.permissions.request import principal_of

LOGIN_CSRF_COOKIE = "klientela_login_csrf"
BAD_CREDENTIALS = N_("The email or password is incorrect.")


def _login_cookie(settings, value: str) -> Cookie:
    return Cookie(key=LOGIN_CSRF_COOKIE, value=value, path="/login", httponly=True, secure=settings.cookie_secure, samesite="lax")


def _login_page(request: Request, *, email: str = "", next_: str = "/", errors=None, message: str = "", status: int = 200, headers=None) -> Template:
    settings = request.app.state.kernel.settings
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    return Template(
        template_name="core/auth/login.html",
        context={"email": email, "next": next_, "errors": errors or {}, "message": message, "login_csrf": token},
        status_code=status,
        cookies=[_login_cookie(settings, token)],
        headers=headers or {},
    )


@get("/login", name="core:login", opt={"public": True}, include_in_schema=False)
async def login_form(request: Request) -> Template | Redirect:
    next_ = local_path(request.query_params.get("next"))
    if principal_of(request).is_authenticated:
        return Redirect(path=next_, status_code=303)
    return _login_page(request, next_=next_)


@post("/login", name="core:login-submit", opt={"public": True, "own_csrf": True}, include_in_schema=False, status_code=303)
async def login_submit(request: Request) -> Template | Redirect:
    settings = request.app.state.kernel.settings
    form = await request.form()
    email_typed = (form.get("email") or "").strip()
    password = form.get("password") or ""
    next_ = local_path(form.get("next"))
    page = lambda **kw: _login_page(request, email=email_typed, next_=next_, **kw)  # noqa: E731

    if not tokens_match(form.get("_csrf"), request.cookies.get(LOGIN_CSRF_COOKIE)):
        return page(message=_("The sign-in form expired. Please sign in again."), status=403)
    errors = {}
    if not email_typed:
        errors["email"] = _("Enter your email address.")
    if not password:
        errors["password"] = _("Enter your password.")
    if errors:
        return page(errors=errors, status=400)

    email = email_typed.lower()
    ip = request.scope["state"].get("client_ip", "")
    async with sign_in_slots(settings):  # a burst of sign-ins cannot take every pool connection
        user = await User.objects().where(User.email == email).first()
        device = devices.device_for(settings, request.cookies.get(devices.DEVICE_COOKIE), user.id if user else None)

        # One atomic step: the throttle's verdict and this attempt's count (a failure until proven right).
        admission = await throttle.admit(email, ip, device)
        verdict = admission.verdict
        if not verdict.allowed:
            await events.record("login_failed", request=request, email=email, detail={"reason": "throttled", "rule": verdict.rule})
            return page(message=verdict.message(), status=429, headers={"Retry-After": str(verdict.retry_after)})

    # Off the event loop; an unknown e-mail is checked against a dummy hash, at the same cost.
    verified = await verify_password_async(user.password_hash if user else await dummy_hash(), password)
    if user is None or not verified or not user.is_active:
        reason = "unknown_email" if user is None else "wrong_password" if not verified else "inactive"
        await events.record("login_failed", request=request, email=email, detail={"reason": reason})
        if reason == "inactive":
            return page(message=_("This account is deactivated. Ask an administrator."), status=400)
        return page(errors={"password": _(BAD_CREDENTIALS)}, status=400)

    now = utcnow()
    changes = {User.last_login_at: now}
    if needs_rehash(user.password_hash):
        changes[User.password_hash] = await hash_password_async(password)
    await User.update(changes).where(User.id == user.id)
    await adopt_browser_zone(user.id, form.get(ZONE_FIELD))  # a new user's clock (core/i18n/browser_zone.py)
    new = await sessions.create_session(
        user.id, settings, ip=ip, user_agent=request.headers.get("user-agent", ""),
        replaces=request.cookies.get(sessions.SESSION_COOKIE),
    )
    await throttle.succeeded(admission)
    await events.record("login", request=request, actor_id=user.id, email=email, detail={"via": "session", "known_device": bool(device)})
    cookies = [sessions.session_cookie(new.token, settings, new.max_age), Cookie(key=LOGIN_CSRF_COOKIE, value="", max_age=0, path="/login")]
    device_cookie = devices.device_cookie(settings, user.id, device or devices.new_device_id())
    if device_cookie is not None:
        cookies.append(device_cookie)
    target = PASSWORD_PATH if user.must_change_password else next_
    return Redirect(path=target, status_code=303, cookies=cookies)


@post("/logout", name="core:logout", opt={"authenticated": True, "password_change": True}, include_in_schema=False, status_code=303)
async def logout(request: Request) -> Redirect:
    settings = request.app.state.kernel.settings
    session = request.scope["state"].get("session")
    if session:
        await sessions.delete_by_id(session["id"])
    await events.record("logout", request=request)
    return Redirect(path="/login", status_code=303, cookies=[sessions.clear_session_cookie(settings)])


# -- one's own password ----------------------------------------------------------------


def _password_page(request: Request, errors=None, status: int = 200) -> Template:
    return Template(
        template_name="core/auth/password.html",
        context={"errors": errors or {}, "forced": principal_of(request).must_change_password},
        status_code=status,
    )


@get(PASSWORD_PATH, name="core:password", opt={"authenticated": True, "password_change": True}, include_in_schema=False)
async def password_form(request: Request) -> Template:
    return _password_page(request)


@post(PASSWORD_PATH, name="core:password-submit", opt={"authenticated": True, "password_change": True}, include_in_schema=False, status_code=303)
async def password_submit(request: Request) -> Template | Redirect:
    principal = principal_of(request)
    form = await request.form()
    current, new, again = form.get("current_password") or "", form.get("new_password") or "", form.get("confirm_password") or ""
    user = await User.objects().where(User.id == principal.user_id).first()
    errors = {}
    if not await verify_password_async(user.password_hash, current):
        errors["current_password"] = _("This is not your current password.")
    if len(new) < 8:
        errors["new_password"] = _("Use at least 8 characters.")
    elif new == current:
        errors["new_password"] = _("Choose a password different from the current one.")
    if new != again:
        errors["confirm_password"] = _("The two new passwords differ.")
    if errors:
        return _password_page(request, errors, status=400)
    session = request.scope["state"].get("session") or {}
    try:
        await change_password(user.id, new, keep_session=session.get("id"), request=request)
    except WeakPassword as exc:
        return _password_page(request, {"new_password": str(exc)}, status=400)
    return Redirect(path="/", status_code=303)


# -- /api/auth -------------------------------------------------------------------------


@get("/api/auth/me", name="core:api-me", opt={"authenticated": True, "any_token": True})
async def api_me(request: Request) -> dict:
    """Who the request is authenticated as, and what it may do."""
    p = principal_of(request)
    return {
        "id": str(p.user_id),
        "email": p.email,
        "name": p.name,
        "via": p.via,
        "permissions": sorted(p.permissions),
        "scopes": {name: p.scope(name) for name in sorted(p.permissions)},
    }


@delete(
    "/api/auth/tokens/{token_id:uuid}", name="core:api-token-revoke", opt={"authenticated": True}, status_code=204,
    responses={404: ResponseSpec(data_container=dict, description="No live token of yours has this id")},
)
async def api_revoke_token(request: Request, token_id: FromPath[UUID]) -> None:
    """Revoke one of your own API tokens (404 if it is not yours or already revoked)."""
    if not await revoke_token(token_id, owner=principal_of(request).user_id, request=request):
        raise NotFoundException()


ROUTES = [login_form, login_submit, logout, password_form, password_submit, api_me, api_revoke_token]

__all__ = ["ROUTES", "Response"]

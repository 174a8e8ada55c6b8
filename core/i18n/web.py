"""The language switch: ``POST /language`` with ``lang`` (and ``next``).

Anyone may switch (the sign-in page has the switch too): the choice is kept
in a cookie, and for a signed-in user also saved on their account
(``core_user.language``), so it follows them to other browsers. A session
user's request carries the CSRF token like every other form.
"""

from __future__ import annotations

from litestar import Request, post
from litestar.datastructures import Cookie
from litestar.response import Redirect, Response

from core.auth.guard import local_path
from core.i18n import LANGUAGES, _
from core.i18n.negotiate import COOKIE
from core.permissions.request import principal_of

COOKIE_MAX_AGE = 365 * 24 * 3600


def language_cookie(settings, lang: str) -> Cookie:
    return Cookie(key=COOKIE, value=lang, path="/", max_age=COOKIE_MAX_AGE, httponly=True, secure=settings.cookie_secure, samesite="lax")


async def save_user_language(user_id, lang: str) -> None:
    from core.auth.tables import User

    await User.update({User.language: lang}).where(User.id == user_id)


@post("/language", name="core:language", opt={"public": True, "password_change": True}, include_in_schema=False, status_code=303)
async def set_language(request: Request) -> Redirect | Response:
    form = await request.form()
    lang = (form.get("lang") or "").strip()
    if lang not in LANGUAGES:
        # Refused in the language the request came in; nothing was changed.
        message = _("Unknown language {lang}; choose one of: {choices}.").format(lang=lang or "—", choices=", ".join(LANGUAGES))
        return Response(message, status_code=400, media_type="text/plain")
    principal = principal_of(request)
    if principal.is_authenticated and principal.via == "session":
        await save_user_language(principal.user_id, lang)
    settings = request.app.state.kernel.settings
    return Redirect(path=local_path(form.get("next"), "/"), status_code=303, cookies=[language_cookie(settings, lang)])


ROUTES = [set_language]

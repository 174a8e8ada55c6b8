"""``/account``: what a signed-in user sets for themselves — their time zone.

The zone is an IANA name from the list the page offers
(:func:`core.i18n.timezones.timezone_names`), or "" for the instance's
setting. Saved on the account (``core_user.timezone``), so it follows the
user to every browser; the i18n middleware reads it on their next request.
An unknown zone is refused in place with 400 and nothing is saved.
"""

from __future__ import annotations

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from core.auth.tables import User
from core.i18n.timezones import TimezoneError, checked_timezone, timezone_names
from core.permissions.request import principal_of

PATH = "/account"
OPT = {"authenticated": True}


def _page(request: Request, *, chosen: str, error: str = "", saved: bool = False, status: int = 200) -> Template:
    return Template(
        template_name="core/account/account.html",
        context={
            "chosen": chosen,
            "zones": timezone_names(),
            "instance_zone": request.app.state.kernel.settings.timezone,
            "error": error,
            "saved": saved,
        },
        status_code=status,
    )


async def _saved_zone(user_id) -> str:
    row = await User.select(User.timezone).where(User.id == user_id).first()
    return row["timezone"] if row else ""


@get(PATH, name="core:account", opt=OPT, include_in_schema=False)
async def account_page(request: Request) -> Template:
    principal = principal_of(request)
    return _page(request, chosen=await _saved_zone(principal.user_id), saved=request.query_params.get("saved") == "1")


@post(PATH, name="core:account-submit", opt=OPT, include_in_schema=False, status_code=303)
async def account_submit(request: Request) -> Template | Redirect:
    principal = principal_of(request)
    if principal.via != "session":  # a setting of the person at the browser, not of an API token
        raise NotFoundException()
    form = await request.form()
    typed = (form.get("timezone") or "").strip()
    if typed:
        try:
            typed = checked_timezone(typed)
        except TimezoneError as exc:
            # The form comes back with the choice they had (nothing saved) and the reason.
            return _page(request, chosen=await _saved_zone(principal.user_id), error=str(exc), status=400)
    await User.update({User.timezone: typed}).where(User.id == principal.user_id)
    return Redirect(path=f"{PATH}?saved=1", status_code=303)


ROUTES = [account_page, account_submit]

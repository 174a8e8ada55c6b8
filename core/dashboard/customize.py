"""``/home/layout``: a user hides, shows and reorders the widgets of their "my day" page.

A plain form (it works without JavaScript): a tick per widget, "Move up" /
"Move down" buttons that save the form as it stands and move one widget,
"Save", and "Reset" back to the page as shipped. Only widgets the user may
see are listed; a key that is not on their page is refused with 400 and
nothing is saved.
"""

from __future__ import annotations

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from core.dashboard.layout import Layout, LayoutError, from_form, load_layout, save_layout
from core.dashboard.widgets import visible_widgets
from core.permissions.request import principal_of

PATH = "/home/layout"
OPT = {"authenticated": True}


def _page(request: Request, layout: Layout, *, error: str = "", saved: bool = False, status: int = 200) -> Template:
    rows = layout.arrange(visible_widgets(request.app.state.kernel, request))
    return Template(template_name="core/dashboard/layout.html",
                    context={"rows": rows, "error": error, "saved": saved}, status_code=status)


@get(PATH, name="core:home-layout", opt=OPT, include_in_schema=False)
async def layout_page(request: Request) -> Template:
    layout = await load_layout(principal_of(request).user_id)
    return _page(request, layout, saved=request.query_params.get("saved") == "1")


@post(PATH, name="core:home-layout-submit", opt=OPT, include_in_schema=False, status_code=303)
async def layout_submit(request: Request) -> Template | Redirect:
    principal = principal_of(request)
    if principal.via != "session":  # the person at the browser arranges their page, not an API token
        raise NotFoundException()
    form = await request.form()
    previous = await load_layout(principal.user_id)
    layout = Layout()  # "reset": the page as shipped
    if form.get("action") != "reset":
        keys = [w.key for w, _shown in previous.arrange(visible_widgets(request.app.state.kernel, request))]
        try:
            layout = from_form(keys, form.getall("listed", []), form.getall("shown", []), previous)
            direction, _sep, key = str(form.get("move") or "").partition(":")
            if key:
                layout = layout.moved(keys, key, -1 if direction == "up" else 1)
        except LayoutError as exc:
            return _page(request, previous, error=str(exc), status=400)
    await save_layout(principal.user_id, layout)
    return Redirect(path=f"{PATH}?saved=1", status_code=303)


ROUTES = [layout_page, layout_submit]

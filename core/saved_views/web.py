"""Saving and removing views from a list page (plain form posts, then back to the list)."""

from __future__ import annotations

from litestar import Request, post
from litestar.params import FromPath
from litestar.response import Redirect

from core.permissions.errors import NotFound
from core.permissions.gate import Gate
from core.permissions.request import principal_of
from core.saved_views import store

OPT = {"feature": store.FEATURE}


@post("/saved-views/", name="core:saved-view-create", opt={**OPT, "permission": store.WRITE})
async def create_view(request: Request) -> Redirect:
    form = await request.form()
    kernel = request.app.state.kernel
    entity = kernel.entities.get(str(form.get("entity", "")))
    if entity is None:
        raise NotFound("entity")
    g = await Gate.open(kernel, entity.key, principal_of(request))
    row = await store.save_view(g, str(form.get("name", "")), str(form.get("state", "")), form.get("shared") == "on")
    query = f"{row['state']}&view={row['id']}" if row["state"] else f"view={row['id']}"
    return Redirect(f"{entity.url}/?{query}", status_code=303)


@post("/saved-views/{view_id:str}/delete", name="core:saved-view-delete", opt={**OPT, "permission": store.WRITE})
async def delete_view(request: Request, view_id: FromPath[str]) -> Redirect:
    kernel = request.app.state.kernel
    row = await store.delete_view(kernel, principal_of(request), view_id)
    entity = kernel.entities.get(row["entity"])
    return Redirect(f"{entity.url}/" if entity else "/", status_code=303)


ROUTES = [create_view, delete_view]

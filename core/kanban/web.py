"""The board view every entity gets: ``/<plugin>/<entity>/board`` and its move endpoint.

An entity has a board when it declares ``board_field`` or has any choice
field the user may read (``?by=`` picks another one, ``?sum=`` a number field
to total). Reading needs the entity's read permission, moving its write
permission — and then the query gate decides per record.
"""

from __future__ import annotations

from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from core.entities.spec import Entity
from core.kanban.board import NO_VALUE, BoardError, choose_fields, load_board, move_card, move_targets
from core.permissions.gate import Gate
from core.permissions.request import principal_of


def _lang(request: Request) -> str:
    return getattr(principal_of(request), "language", "en") or "en"


def _params(source) -> dict[str, str]:
    return {k: source.get(k) or "" for k in ("by", "sum", "q")}


async def _render(request: Request, entity: Entity, params: dict, *, message: str = "", status: int = 200,
                  partial: bool = False, moved: str = "") -> Template:
    gate = await Gate.open(request.app.state.kernel, entity.key, principal_of(request))
    group, summed = choose_fields(gate, params["by"] or None, params["sum"] or None)
    board = await load_board(gate, group, summed, search=params["q"], lang=_lang(request))
    context = {
        "board": board, "entity": entity, "message": message, "moved": moved,
        "move_url": f"{entity.url}/board/move",
        "hidden": {k: v for k, v in params.items() if v},
        "can_move": gate.principal.can(entity.permission("write")) and gate.principal.can_write_field(entity.key, group.name),
    }
    name = "core/kanban/partial.html" if partial else "core/kanban/page.html"
    return Template(template_name=name, context=context, status_code=status)


def board_pages(entity: Entity) -> type[Controller]:
    @get("/", opt={"entity_action": "read"}, name=f"{entity.key}:board")
    async def board(self, request: Request) -> Template:
        partial = request.headers.get("hx-request") == "true" and request.headers.get("hx-target") == "board"
        return await _render(request, entity, _params(request.query_params), partial=partial)

    @get("/move", opt={"entity_action": "write"}, name=f"{entity.key}:board-move-page")
    async def move_page(self, request: Request) -> Template:
        """The "Move" link of a card without JavaScript: one small form for that card."""
        params = _params(request.query_params)
        gate = await Gate.open(request.app.state.kernel, entity.key, principal_of(request))
        group, _summed = choose_fields(gate, params["by"] or None, params["sum"] or None)
        row = await gate.get(request.query_params.get("id", ""), action="write")  # 404 when not the user's to change
        value = row.get(group.name) or NO_VALUE
        card = {"id": str(row["id"]), "version": request.query_params.get("version") or row["version"],
                "title": str(row.get(entity.title_field) or row["id"])}
        return Template(template_name="core/kanban/move.html", context={
            "entity": entity, "card": card, "current": value, "columns": move_targets(group, _lang(request)),
            "move_url": f"{entity.url}/board/move", "hidden": {k: v for k, v in params.items() if v},
            "back": f"{entity.url}/board" + (f"?{urlencode({k: v for k, v in params.items() if v})}" if any(params.values()) else "")})

    @post("/move", opt={"entity_action": "write"}, name=f"{entity.key}:board-move", status_code=200)
    async def move(self, request: Request) -> Template | Redirect:
        form = await request.form()
        params = _params(form)
        htmx = request.headers.get("hx-request") == "true"
        gate = await Gate.open(request.app.state.kernel, entity.key, principal_of(request))
        group, _summed = choose_fields(gate, params["by"] or None, params["sum"] or None)
        try:
            row = await move_card(gate, group, form.get("id", ""), form.get("to", ""), form.get("version"))
        except BoardError as exc:
            # htmx swaps only 2xx answers: the refusal comes back as the board with the reason.
            return await _render(request, entity, params, message=exc.reason, status=200 if htmx else exc.status, partial=htmx)
        if not htmx:
            query = urlencode({k: v for k, v in params.items() if v})
            return Redirect(f"{entity.url}/board" + (f"?{query}" if query else ""), status_code=303)
        return await _render(request, entity, params, partial=True, moved=str(row["id"]))

    attrs = {"path": f"{entity.url}/board", "__module__": __name__, "include_in_schema": False, "board": board, "move_page": move_page, "move": move}
    return type(f"{entity.key.replace('.', '_').title().replace('_', '')}Board", (Controller,), attrs)

"""The board view every entity gets: ``/<plugin>/<entity>/board`` and its move endpoint.

An entity has a board when it declares ``board_field`` or has any choice
field the user may read (``?by=`` picks another one — a choice or a
reference field —, ``?sum=`` a number field to total). Every other query
parameter is the list's: its filters (``?owner_id=…&amount__gte=…``, the
partition's ``?pipeline=<id>`` among them), ``q`` and ``sort`` — kept in the
move form so a move re-renders the same board. Reading needs the entity's
read permission, moving its write permission — and then the query gate
decides per record.
"""

from __future__ import annotations

from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from core.entities.query_params import list_request
from core.entities.spec import Entity
from core.kanban.board import NO_VALUE, BoardError, choose_fields, load_board, move_card, move_targets
from core.permissions.gate import Gate
from core.permissions.request import principal_of

# The move form's own keys and the CSRF token: everything else in it is the board's state.
MOVE_KEYS = ("id", "version", "to")
BOARD_KEYS = ("by", "sum")


def _lang(request: Request) -> str:
    return getattr(principal_of(request), "language", "en") or "en"


def _params(source) -> dict[str, str]:
    """The board's state: ``by``, ``sum``, ``q``, ``sort`` and the list's filters (empty ones dropped)."""
    items = source.multi_items() if hasattr(source, "multi_items") else list(source.items())
    out = {k: "" for k in (*BOARD_KEYS, "q")}
    for key, value in items:
        if key in MOVE_KEYS or key.startswith("_") or key in ("cursor", "limit", "columns", "view"):
            continue
        if isinstance(value, str):
            out[key] = value
    return out


def _kept(gate: Gate, params: dict) -> dict[str, str]:
    """The board's state: ``by``, ``sum``, ``q``, ``sort`` and filters naming a field of the entity
    (a page's other forms — the language switch's ``next`` — are not the board's business)."""
    return {k: v for k, v in params.items() if v and (
        k in (*BOARD_KEYS, "q", "sort") or k.partition("__")[0] in gate.fields)}


def _list_state(gate: Gate, params: dict):
    """The list's filters, search and sort from the board's state (the list's own query format)."""
    return list_request({k: v for k, v in _kept(gate, params).items() if k not in BOARD_KEYS})


async def _board_of(request: Request, entity: Entity, params: dict):
    gate = await Gate.open(request.app.state.kernel, entity.key, principal_of(request))
    group, summed = choose_fields(gate, params["by"] or None, params["sum"] or None)
    state = _list_state(gate, params)
    board = await load_board(gate, group, summed, search=state.search, filters=state.filters, sort=state.sort,
                             lang=_lang(request))
    return gate, group, board


def _targets(board):
    """A reference board's move targets: its own columns (the partition's), else the field's choices."""
    return [c for c in board.columns if c.accepts] if board.field.type == "reference" else None


async def _render(request: Request, entity: Entity, params: dict, *, message: str = "", status: int = 200,
                  partial: bool = False, moved: str = "") -> Template:
    gate, group, board = await _board_of(request, entity, params)
    hidden = _kept(gate, params)
    if board.partition is not None:
        hidden[board.partition.field.name] = board.partition.value
    context = {
        "board": board, "entity": entity, "message": message, "moved": moved,
        "move_url": f"{entity.url}/board/move",
        "hidden": hidden,
        "filters": {k: v for k, v in hidden.items() if k not in (*BOARD_KEYS, "q") and
                    not (board.partition is not None and k == board.partition.field.name)},
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
        gate, group, board = await _board_of(request, entity, params)
        row = await gate.get(request.query_params.get("id", ""), action="write")  # 404 when not the user's to change
        value = str(row.get(group.name) or NO_VALUE)
        card = {"id": str(row["id"]), "version": request.query_params.get("version") or row["version"],
                "title": str(row.get(entity.title_field) or row["id"])}
        return Template(template_name="core/kanban/move.html", context={
            "entity": entity, "card": card, "current": value, "columns": move_targets(group, _lang(request), _targets(board)),
            "move_url": f"{entity.url}/board/move", "hidden": _kept(gate, params),
            "back": f"{entity.url}/board" + (f"?{urlencode(_kept(gate, params))}" if _kept(gate, params) else "")})

    @post("/move", opt={"entity_action": "write"}, name=f"{entity.key}:board-move", status_code=200)
    async def move(self, request: Request) -> Template | Redirect:
        form = await request.form()
        params = _params(form)
        htmx = request.headers.get("hx-request") == "true"
        gate, group, board = await _board_of(request, entity, params)
        try:
            row = await move_card(gate, group, form.get("id", ""), form.get("to", ""), form.get("version"), _targets(board))
        except BoardError as exc:
            # htmx swaps only 2xx answers: the refusal comes back as the board with the reason.
            return await _render(request, entity, params, message=exc.reason, status=200 if htmx else exc.status, partial=htmx)
        if not htmx:
            query = urlencode(_kept(gate, params))
            return Redirect(f"{entity.url}/board" + (f"?{query}" if query else ""), status_code=303)
        return await _render(request, entity, params, partial=True, moved=str(row["id"]))

    attrs = {"path": f"{entity.url}/board", "__module__": __name__, "include_in_schema": False, "board": board, "move_page": move_page, "move": move}
    return type(f"{entity.key.replace('.', '_').title().replace('_', '')}Board", (Controller,), attrs)

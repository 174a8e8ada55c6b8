"""The board view: columns and totals through the gate, moves through the gate (refusals shown)."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

import pytest

from core.auth.principals import principal_for_user
from core.permissions.errors import NotFound, Refused
from core.permissions.gate import Gate
from core.testing.fixtures import ADMIN_EMAIL, custom_role

BOARD = "/contacts/client/board"
HTMX = {"HX-Request": "true", "HX-Target": "board"}


def mark() -> str:
    return f"kb{uuid.uuid4().hex[:10]}"


async def create(client, **values) -> dict:
    response = await client.post("/api/contacts/client", json=values)
    assert response.status_code == 201, response.text
    return response.json()


async def fetch(client, record_id) -> dict:
    return (await client.get(f"/api/contacts/client/{record_id}")).json()


def columns(html: str) -> dict[str, tuple[int, str | None]]:
    """label -> (count, total or None) as the board's column headers show them."""
    out = {}
    for head in re.findall(r'<h2 id="col-\d+" class="kanban-head">(.*?)</h2>', html, re.S):
        label = re.search(r'kanban-label">([^<]*)<', head).group(1)
        count = int(re.search(r'kanban-count"[^>]*>(\d+)<', head).group(1))
        total = re.search(r'kanban-total">.*?</span>([^<]*)</span>', head, re.S)
        out[label] = (count, total.group(1).strip() if total else None)
    return out


async def gate_for(kernel, user_id) -> Gate:
    return await Gate.open(kernel, "contacts.client", await principal_for_user(user_id))


async def admin_id():
    from core.auth.tables import User

    return (await User.select(User.id).where(User.email == ADMIN_EMAIL).first())["id"]


async def test_totals_count_and_sum_exactly_and_respect_the_scope(board_fields, client, make_user):
    kernel, m = board_fields, mark()
    for budget, phase in (("0.10", "lead"), ("0.10", "lead"), ("0.10", "lead"), ("1000000.55", "won"), (None, "won")):
        await create(client, name=f"{m} {phase}", phase=phase, **({"budget": budget} if budget else {}))
    await create(client, name=f"{m} none")
    gate = await gate_for(kernel, await admin_id())
    totals = await gate.totals("phase", "budget", search=m)
    assert totals["lead"] == (3, Decimal("0.30"))  # not 0.30000000000000004
    assert totals["won"] == (2, Decimal("1000000.55"))
    assert totals[None][0] == 1
    assert set(await gate.totals("kind", search=m)) == {"company"}
    # Someone who may read only their own clients sees only their own in the totals.
    role = await custom_role({"contacts.client.read": "own"})
    ann = await make_user(roles=[role.key])
    assert await (await gate_for(kernel, ann.id)).totals("phase", "budget", search=m) == {}
    # Grouping or summing what one may not read, or summing text, is refused.
    hidden = await custom_role({"contacts.client.read": "all"}, hidden=[("contacts.client", "budget")])
    bob = await make_user(roles=[hidden.key])
    with pytest.raises(Refused):
        await (await gate_for(kernel, bob.id)).totals("phase", "budget")
    with pytest.raises(Refused):
        await gate.totals("phase", "name")
    with pytest.raises(Refused):
        await gate.totals("nonexistent")


async def test_board_page_groups_by_the_chosen_field_with_counts_and_totals(board_fields, client):
    m = mark()
    await create(client, name=f"{m} A", phase="lead", budget="10.00")
    await create(client, name=f"{m} B", phase="lead", budget="5.50")
    await create(client, name=f"{m} C", phase="won", budget="100.00")
    page = await client.get(f"{BOARD}?by=phase&sum=budget&q={m}")
    assert page.status_code == 200
    assert columns(page.text) == {"Lead": (2, "15.50"), "Won": (1, "100.00"), "Lost": (0, "0")}
    assert f"{m} A" in page.text and "Sortable.min.js" in page.text and "/static/core/kanban.js" in page.text
    by_kind = await client.get(f"{BOARD}?by=kind&q={m}")
    assert columns(by_kind.text)["Company"] == (3, None)
    assert (await client.get(f"{BOARD}?by=name")).status_code == 400
    assert (await client.get(f"{BOARD}?sum=name")).status_code == 400


async def test_an_entity_without_a_choice_field_has_no_board(client, app_factory):
    kernel = app_factory().state.kernel
    plain = [e for e in kernel.entities.values() if not any(f.type == "choice" for f in e.fields)]
    if not plain:
        pytest.skip("every entity of this edition has a choice field")
    assert (await client.get(f"{plain[0].url}/board")).status_code == 404
    assert (await client.get("/contacts/client/board")).status_code == 200


async def test_a_move_updates_the_record_and_the_totals(board_fields, client):
    m = mark()
    card = await create(client, name=f"{m} Mover", phase="lead", budget="40.00")
    await create(client, name=f"{m} Stayer", phase="lead", budget="2.00")
    form = {"id": card["id"], "version": card["version"], "to": "won", "by": "phase", "sum": "budget", "q": m}
    moved = await client.post(f"{BOARD}/move", data=form, headers=HTMX)
    assert moved.status_code == 200 and 'role="alert"' not in moved.text
    assert columns(moved.text) == {"Lead": (1, "2.00"), "Won": (1, "40.00"), "Lost": (0, "0")}
    assert (await fetch(client, card["id"]))["phase"] == "won"
    # Without htmx the form answers with a redirect back to the same board.
    again = {**form, "version": card["version"] + 1, "to": "lost"}
    plain = await client.post(f"{BOARD}/move", data=again)
    assert plain.status_code == 303 and plain.headers["location"] == f"{BOARD}?by=phase&sum=budget&q={m}"


async def test_a_stale_card_is_refused_with_the_reason_and_nothing_changes(board_fields, client):
    m = mark()
    card = await create(client, name=f"{m} Contested", phase="lead")
    await client.patch(f"/api/contacts/client/{card['id']}", json={"name": f"{m} Renamed"}, headers={"If-Match": f'"{card["version"]}"'})
    refused = await client.post(f"{BOARD}/move", data={"id": card["id"], "version": card["version"], "to": "won", "by": "phase", "q": m},
                                headers=HTMX)
    assert refused.status_code == 200  # htmx swaps it
    assert 'role="alert"' in refused.text and "changed this card meanwhile" in refused.text
    assert columns(refused.text)["Lead"][0] == 1  # re-rendered from the database
    assert (await fetch(client, card["id"]))["phase"] == "lead"
    plain = await client.post(f"{BOARD}/move", data={"id": card["id"], "version": card["version"], "to": "won", "by": "phase"})
    assert plain.status_code == 409


@pytest.mark.parametrize("to, reason", [("nowhere", "There is no column"), ("", "The move was refused")])
async def test_bad_targets_are_refused(board_fields, client, to, reason):
    from core.custom_fields.definitions import update_field

    await update_field("contacts.client", "phase", kernel=board_fields, required=True, default="lead")
    m = mark()
    card = await create(client, name=f"{m} X", phase="lead")
    answer = await client.post(f"{BOARD}/move", data={"id": card["id"], "version": card["version"], "to": to, "by": "phase"},
                               headers=HTMX)
    assert reason in answer.text
    assert (await fetch(client, card["id"]))["phase"] == "lead"


async def test_moves_go_through_the_record_scope_and_the_route_permission(board_fields, client, client_as, make_user):
    m = mark()
    theirs = await create(client, name=f"{m} Admin's", phase="lead")
    writer = await custom_role({"contacts.client.read": "all", "contacts.client.write": "own"})
    ann = await make_user(roles=[writer.key])
    async with client_as(ann) as c:
        answer = await c.post(f"{BOARD}/move", data={"id": theirs["id"], "version": theirs["version"], "to": "won", "by": "phase"},
                              headers=HTMX)
        assert answer.status_code == 200 and "You may not change this card" in answer.text
    reader = await custom_role({"contacts.client.read": "all"})
    bob = await make_user(roles=[reader.key])
    async with client_as(bob) as c:
        page = await c.get(f"{BOARD}?by=phase&q={m}")
        assert page.status_code == 200 and "card-move" not in page.text  # no move forms for a reader
        assert (await c.post(f"{BOARD}/move", data={"id": theirs["id"], "version": 1, "to": "won"})).status_code == 404
    assert (await fetch(client, theirs["id"]))["phase"] == "lead"


async def test_the_total_offers_amounts_only_never_coordinates_or_system_numbers(board_fields, client):
    page = (await client.get(f"{BOARD}?by=phase")).text
    offered = re.findall(r'<option value="([a-z_]+)"', page.split('id="board-sum"', 1)[1].split("</select>", 1)[0])
    assert "budget" in offered  # a money field is an amount
    for meaningless in ("latitude", "longitude", "version"):
        assert meaningless not in offered, offered
    assert (await client.get(f"{BOARD}?by=phase&sum=latitude")).status_code == 400


def test_a_field_declared_non_summable_cannot_be_a_board_total():
    from core.entities.spec import Entity, Field, label

    year = Field("year", "integer", label("Year"), summable=False)
    with pytest.raises(ValueError, match="summable"):
        Entity("x.y", object, label("Y"), label("Ys"), (year,), ("year",), board_sum="year")


async def test_the_move_control_is_rendered_once_per_board_not_once_per_card(board_fields, client):
    """200 cards used to carry 200 forms with a select each (270 KB); now one shared form, and a link per card."""
    m = mark()
    for n in range(120):
        await create(client, name=f"{m} card {n}", phase=("lead", "won", "lost")[n % 3])
    page = await client.get(f"{BOARD}?by=phase&q={m}")
    assert len(re.findall(r'class="kanban-card[" ]', page.text)) == 120
    assert page.text.split('id="board"', 1)[1].count("<select") == 1  # the shared move form, whatever the cards
    assert page.text.count('class="card-move"') == 120
    assert len(page.content) < 120 * 700, len(page.content)  # about 0.45 KB a card, was 1.3 KB


async def test_the_move_link_works_without_javascript(board_fields, client):
    m = mark()
    card = await create(client, name=f"{m} Walker", phase="lead")
    board = (await client.get(f"{BOARD}?by=phase&q={m}")).text
    href = re.search(r'class="card-move" href="([^"]+)"', board).group(1).replace("&amp;", "&")
    page = await client.get(href)
    assert page.status_code == 200 and f"Move “{m} Walker”" in page.text
    assert re.search(r'<option value="lead" selected>', page.text)  # the card's own column preselected
    form = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', page.text))
    assert form["id"] == card["id"] and form["version"] == str(card["version"]) and form["by"] == "phase"
    moved = await client.post(f"{BOARD}/move", data={**form, "to": "won"})
    assert moved.status_code == 303 and (await fetch(client, card["id"]))["phase"] == "won"
    assert (await client.get(f"{BOARD}/move?id=00000000-0000-0000-0000-000000000000&by=phase")).status_code == 404


async def test_the_client_board_opens_on_the_relationship_stage(client):
    """It opened on "Company or person": a pipeline of two columns nobody moves cards across."""
    m = mark()
    await create(client, name=f"{m} A", stage="potential")
    heads = columns((await client.get(f"{BOARD}?q={m}")).text)
    assert heads["Potential"] == (1, None) and "Company" not in heads

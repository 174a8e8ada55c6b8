"""Loading a board and moving a card, both through the query gate.

A board groups the rows a user may read by a choice field: one column per
choice (in declared order), plus "no value" when some rows have none. Each
column shows its first cards, its count and — when a number field is chosen
— the sum of that field over all its rows (not only the cards shown), from
``Gate.groups`` (core.permissions.grouping, the group-by the API and reports use). A move is ``Gate.update`` of that one field with the version
the user saw, so permissions, field rules, validation, plugins' record
checks and optimistic locking hold exactly as for an edit form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.entities.spec import SYSTEM_FIELDS, Field
from core.entities.sql import Filter
from core.i18n import _
from core.permissions.errors import Conflict, Invalid, NotFound, Refused
from core.permissions.gate import Gate, ListRequest

NUMBER_TYPES = ("integer", "decimal", "money")
PER_COLUMN = 50
NO_VALUE = ""  # the column of rows without a value (its form value)


class BoardError(Exception):
    """A move the server refused; ``reason`` is shown on the re-rendered board."""

    def __init__(self, reason: str, status: int = 409):
        super().__init__(reason)
        self.reason, self.status = reason, status


@dataclass
class Card:
    id: str
    version: int
    title: str
    row: dict
    total: Any = None  # the summed field's value on this card


@dataclass
class Column:
    value: str  # "" for "no value"
    label: str
    count: int = 0
    total: Any = None
    cards: list[Card] = field(default_factory=list)
    accepts: bool = True  # may a card be dropped here

    @property
    def more(self) -> int:
        return max(self.count - len(self.cards), 0)


@dataclass
class Board:
    entity: Any
    field: Field
    total_field: Field | None
    columns: list[Column]
    choices: list[Field]  # what else the board may be grouped by
    sums: list[Field]  # what else may be summed
    search: str = ""


def _choice_fields(gate: Gate) -> list[Field]:
    return [f for f in gate.readable_fields if f.type == "choice"]


def _number_fields(gate: Gate) -> list[Field]:
    """The fields a column may total: business amounts, never the system's own numbers
    (version, ids) nor a field declared ``summable=False`` (coordinates, reminder offsets)."""
    return [f for f in gate.readable_fields
            if f.type in NUMBER_TYPES and f.summable and f.name not in SYSTEM_FIELDS]


def choose_fields(gate: Gate, by: str | None = None, total: str | None = None) -> tuple[Field, Field | None]:
    """The grouping field and the summed one: asked for, else declared, else the first readable choice field.

    Raises ``NotFound`` when the entity has no readable choice field (no board
    at all) and ``Refused`` for a field that is not a readable choice / number.
    """
    entity = gate.entity
    choices, numbers = _choice_fields(gate), _number_fields(gate)
    if by:
        group = next((f for f in choices if f.name == by), None)
        if group is None:
            raise Refused({"by": _("a board is grouped by a choice field you may read")})
    else:
        group = next((f for f in choices if f.name == entity.board_field), None) or (choices[0] if choices else None)
    if group is None:
        raise NotFound(entity.key)
    summed = None
    if total:
        summed = next((f for f in numbers if f.name == total), None)
        if summed is None:
            raise Refused({"sum": _("only an amount field you may read can be summed")})
    elif entity.board_sum:
        summed = next((f for f in numbers if f.name == entity.board_sum), None)
    return group, summed


def _title(gate: Gate, row: dict) -> str:
    value = row.get(gate.entity.title_field)
    return str(value) if value not in (None, "") else str(row["id"])


def declared_columns(group: Field, lang: str = "en") -> list[Column]:
    """One empty column per choice of ``group``, in declared order, labelled in ``lang``."""
    return [Column(c.value, c.label.get(lang) or c.label.get("en") or c.value) for c in group.choices]


def move_targets(group: Field, lang: str = "en") -> list[Column]:
    """Where a card may be moved: every choice, and "no value" when the field may be empty."""
    empty = [] if group.required else [Column(NO_VALUE, _("No value"))]
    return empty + declared_columns(group, lang)


async def load_board(gate: Gate, group: Field, summed: Field | None = None, *, search: str = "",
                     filters: list[Filter] = (), per_column: int = PER_COLUMN, lang: str = "en") -> Board:
    sums = [summed.name] if summed else []
    groups = {g.value: g for g in await gate.groups(group.name, sums=sums, filters=list(filters), search=search)}
    columns = declared_columns(group, lang)
    known = {c.value for c in columns}
    if None in groups:
        # Rows without a value get their own column; a required field cannot be emptied by a drop.
        columns.insert(0, Column(NO_VALUE, _("No value"), accepts=not group.required))
    for column in columns:
        found = groups.get(None if column.value == NO_VALUE else column.value)
        column.count = found.count if found else 0
        if summed is not None:
            column.total = found.sums[summed.name] if found else 0
        if not column.count:
            continue
        condition = Filter(group.name, "isnull", "true") if column.value == NO_VALUE else Filter(group.name, "eq", column.value)
        page = await gate.list(ListRequest(filters=[*filters, condition], search=search, limit=per_column))
        column.cards = [Card(str(r["id"]), r["version"], _title(gate, r), r, r.get(summed.name) if summed else None)
                        for r in page.rows]
    # Values no longer among the choices (a choice removed later) still show, so no row hides.
    for value, found in groups.items():
        if value not in known and value is not None:
            page = await gate.list(ListRequest(filters=[*filters, Filter(group.name, "eq", value)], search=search, limit=per_column))
            total = found.sums[summed.name] if summed else None
            columns.append(Column(str(value), str(value), found.count, total, accepts=False, cards=[
                Card(str(r["id"]), r["version"], _title(gate, r), r, r.get(summed.name) if summed else None) for r in page.rows]))
    return Board(gate.entity, group, summed, columns, _choice_fields(gate), _number_fields(gate), search)


async def move_card(gate: Gate, group: Field, record_id: str, to: str, version: Any) -> dict:
    """Set ``group`` of one record to ``to`` (the version the user saw); returns the updated row.

    Every refusal becomes a :class:`BoardError` whose reason the board shows.
    """
    try:
        seen = int(version)
    except (TypeError, ValueError):
        raise BoardError(_("The card's version is missing; reload the board."), 400) from None
    if to != NO_VALUE and to not in {c.value for c in group.choices}:
        raise BoardError(_("There is no column {value}.").format(value=to), 400)
    try:
        return await gate.update(record_id, {group.name: to or None}, seen)
    except Conflict:
        raise BoardError(_("Someone changed this card meanwhile; the board now shows the current state. Try again."), 409) from None
    except NotFound:
        raise BoardError(_("You may not change this card (or it no longer exists)."), 404) from None
    except (Invalid, Refused) as exc:
        detail = "; ".join(f"{k}: {v}" for k, v in exc.errors.items())
        raise BoardError(_("The move was refused: {detail}").format(detail=detail), 422) from None

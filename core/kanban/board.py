"""Loading a board and moving a card, both through the query gate.

A board groups the rows a user may read by a choice field — one column per
choice (in declared order) — or by a reference field: one column per
referenced row the user may read, in the referenced entity's declared order
(a deal's stages by position; ``core.kanban.columns``). Rows without a value
get a "no value" column. When the referenced rows themselves belong to a
record the board's rows also point at (a stage to its pipeline, as the deal
does), the board shows one such record at a time — a chooser (the
"partition": a pipeline) — and only its columns and rows. Each
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
    currency: str = ""  # its currency, when the entity declares board_currency


@dataclass
class Column:
    value: str  # "" for "no value"
    label: str
    count: int = 0
    total: Any = None
    cards: list[Card] = field(default_factory=list)
    accepts: bool = True  # may a card be dropped here
    totals: dict[str, Any] = field(default_factory=dict)  # per currency, when the entity declares board_currency

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
    partition: Any = None  # core.kanban.columns.Partition: the record whose columns are shown (a pipeline)


def _choice_fields(gate: Gate) -> list[Field]:
    """What a board may group by: readable choice fields, and reference fields to another entity
    (not to users or teams: a column per colleague is a report, not a board)."""
    return [f for f in gate.readable_fields if f.type == "choice" or (
        f.type == "reference" and f.reference in gate.kernel.entities and f.name not in SYSTEM_FIELDS
        and f.name != gate.entity.owner_field)]


def _number_fields(gate: Gate) -> list[Field]:
    """The fields a column may total: business amounts, never the system's own numbers
    (version, ids) nor a field declared ``summable=False`` (coordinates, reminder offsets)."""
    return [f for f in gate.readable_fields
            if f.type in NUMBER_TYPES and f.summable and f.name not in SYSTEM_FIELDS]


def choose_fields(gate: Gate, by: str | None = None, total: str | None = None) -> tuple[Field, Field | None]:
    """The grouping field and the summed one: asked for, else declared, else the first readable choice field.

    Raises ``NotFound`` when the entity has no readable choice field (no board
    at all) and ``Refused`` for a field that is not a readable choice or reference / number.
    """
    entity = gate.entity
    choices, numbers = _choice_fields(gate), _number_fields(gate)
    if by:
        group = next((f for f in choices if f.name == by), None)
        if group is None:
            raise Refused({"by": _("a board is grouped by a choice or reference field you may read")})
    else:
        declared = next((f for f in choices if f.name == entity.board_field), None)
        group = declared or next((f for f in choices if f.type == "choice"), None)
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


def move_targets(group: Field, lang: str = "en", columns: list[Column] | None = None) -> list[Column]:
    """Where a card may be moved: every column (``columns``: a reference board's), and "no value"
    when the field may be empty."""
    empty = [] if group.required else [Column(NO_VALUE, _("No value"))]
    return empty + [Column(c.value, c.label) for c in (declared_columns(group, lang) if columns is None else columns)]


def _card(gate: Gate, row: dict, summed: Field | None) -> Card:
    currency = gate.entity.board_currency
    return Card(str(row["id"]), row["version"], _title(gate, row), row, row.get(summed.name) if summed else None,
                str(row.get(currency) or "") if currency and summed else "")


async def _currency_totals(gate: Gate, group: Field, summed: Field, filters: list[Filter], search: str) -> dict[str, dict]:
    """Column value -> {currency: sum}: one group-by per currency the rows hold (usually one or two),
    so amounts in different currencies are never added up."""
    name = gate.entity.board_currency
    out: dict[str, dict] = {}
    for currency in await gate.groups(name, filters=list(filters), search=search):
        condition = Filter(name, "isnull", "true") if currency.value is None else Filter(name, "eq", str(currency.value))
        for g in await gate.groups(group.name, sums=[summed.name], filters=[*filters, condition], search=search):
            key = None if g.value is None else str(g.value)
            out.setdefault(key, {})[str(currency.value or "")] = g.sums[summed.name]
    return out


async def load_board(gate: Gate, group: Field, summed: Field | None = None, *, search: str = "",
                     filters: list[Filter] = (), per_column: int = PER_COLUMN, lang: str = "en",
                     sort: list[str] = (), partition: str | None = None) -> Board:
    """The board of ``group``: columns with counts, totals and their first cards, through the gate.

    ``filters``, ``search`` and ``sort`` are the list's (the cards of a column come in the list's
    order); ``partition``: on a reference board whose columns belong to a record (a pipeline),
    which one (default: the first the user may read)."""
    from core.kanban.columns import find_partition, reference_columns

    filters = list(filters)
    chosen = None
    if group.type == "reference":
        chosen = await find_partition(gate, group, partition, filters, lang)
        if chosen is not None:
            filters = [f for f in filters if not (f.field == chosen.field.name and f.op == "eq")]
            filters.append(Filter(chosen.field.name, "eq", chosen.value))
        columns = await reference_columns(gate, group, chosen, lang)
    else:
        columns = declared_columns(group, lang)
    sums = [summed.name] if summed else []
    groups = {None if g.value is None else str(g.value): g for g in await gate.groups(group.name, sums=sums, filters=filters, search=search)}
    per_currency = {}
    if summed is not None and gate.entity.board_currency and gate.readable(gate.entity.board_currency):
        per_currency = await _currency_totals(gate, group, summed, filters, search)
    known = {c.value for c in columns}
    if None in groups:
        # Rows without a value get their own column; a required field cannot be emptied by a drop.
        columns.insert(0, Column(NO_VALUE, _("No value"), accepts=not group.required))
    # Values no longer among the columns (a choice removed later, a stage of another
    # pipeline) still show, so no row hides; nothing may be dropped there.
    for value in groups:
        if value is not None and value not in known:
            columns.append(Column(value, await _stray_label(gate, group, value, lang), accepts=False))
    for column in columns:
        found = groups.get(None if column.value == NO_VALUE else column.value)
        column.count = found.count if found else 0
        if summed is not None:
            column.total = found.sums[summed.name] if found else 0
            column.totals = per_currency.get(None if column.value == NO_VALUE else column.value, {})
        if not column.count:
            continue
        condition = Filter(group.name, "isnull", "true") if column.value == NO_VALUE else Filter(group.name, "eq", column.value)
        page = await gate.list(ListRequest(filters=[*filters, condition], search=search, sort=list(sort), limit=per_column))
        column.cards = [_card(gate, r, summed) for r in page.rows]
    return Board(gate.entity, group, summed, columns, _choice_fields(gate), _number_fields(gate), search, chosen)


async def _stray_label(gate: Gate, group: Field, value: str, lang: str) -> str:
    if group.type != "reference":
        return str(value)
    from core.kanban.columns import referenced_title

    return await referenced_title(gate, group, value)


async def move_card(gate: Gate, group: Field, record_id: str, to: str, version: Any, targets: list[Column] | None = None) -> dict:
    """Set ``group`` of one record to ``to`` (the version the user saw); returns the updated row.

    ``targets``: the columns of a reference board (``move_targets``); a choice board's are its choices.
    Every refusal becomes a :class:`BoardError` whose reason the board shows.
    """
    try:
        seen = int(version)
    except (TypeError, ValueError):
        raise BoardError(_("The card's version is missing; reload the board."), 400) from None
    # A reference board's own targets, when given; else the gate's reference check decides.
    allowed = {c.value for c in targets} if targets is not None else (
        None if group.type == "reference" else {c.value for c in group.choices})
    if to != NO_VALUE and allowed is not None and to not in allowed:
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

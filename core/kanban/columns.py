"""The columns of a board grouped by a reference field: the referenced rows, in their entity's order.

A deal's ``stage`` refers to ``sales.stage``: the board's columns are the
stages the user may read, ordered as that entity declares (``position``).
Stages belong to a pipeline, and a deal names its pipeline too — when the
referenced entity has a reference field to an entity the board's entity
also refers to (stage → pipeline ← deal), that field *partitions* the
board: one pipeline at a time, chosen by the list's own filter
(``?pipeline=<id>``, the first pipeline the user may read by default), whose
stages are the columns and whose deals are the cards. Every read goes
through the query gate of the entity read.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.entities.spec import Field
from core.entities.sql import Filter
from core.permissions.errors import GateError
from core.permissions.gate import Gate, ListRequest

MAX_COLUMNS = 100  # a board wider than this is not a board
MAX_PARTITIONS = 200


@dataclass
class Partition:
    """The record a reference board shows the columns of (a pipeline): the board entity's
    field naming it, the referenced entity's field linking a column to it, the chosen value
    and the choices as (value, label) pairs in their entity's order."""

    field: Field  # on the board's entity: deal.pipeline
    link: Field  # on the columns' entity: stage.pipeline
    value: str
    options: list[tuple[str, str]]


def _title(entity, row: dict) -> str:
    value = row.get(entity.title_field)
    return str(value) if value not in (None, "") else "—"


def partition_fields(gate: Gate, group: Field) -> tuple[Field, Field] | None:
    """(board field, column field) pointing at one entity, when the columns belong to a record."""
    target = gate.kernel.entities.get(group.reference)
    if target is None:
        return None
    for link in target.fields:
        if link.type != "reference" or link.reference == target.key:
            continue
        for own in gate.readable_fields:
            if own.type == "reference" and own.name != group.name and own.reference == link.reference:
                return own, link
    return None


async def find_partition(gate: Gate, group: Field, chosen: str | None, filters: list[Filter], lang: str) -> Partition | None:
    """The partition of a reference board: ``chosen``, else the list filter's ``<field>=<id>``, else the first."""
    pair = partition_fields(gate, group)
    if pair is None:
        return None
    own, link = pair
    try:
        parent = await Gate.open(gate.kernel, own.reference, gate.principal)
        rows = (await parent.list(ListRequest(sort=list(parent.entity.order), limit=MAX_PARTITIONS))).rows
    except GateError:
        return None
    options = [(str(r["id"]), _title(parent.entity, r)) for r in rows]
    if not options:
        return None
    asked = chosen or next((str(f.value) for f in filters if f.field == own.name and f.op == "eq"), None)
    value = asked if asked in {v for v, _ in options} else options[0][0]
    return Partition(own, link, value, options)


async def reference_columns(gate: Gate, group: Field, partition: Partition | None, lang: str):
    """One empty column per referenced row the user may read (of the partition's record), in order."""
    from core.kanban.board import Column

    try:
        target = await Gate.open(gate.kernel, group.reference, gate.principal)
        filters = [Filter(partition.link.name, "eq", partition.value)] if partition else []
        rows = (await target.list(ListRequest(filters=filters, sort=list(target.entity.order), limit=MAX_COLUMNS))).rows
    except GateError:
        return []
    return [Column(str(r["id"]), _title(target.entity, r)) for r in rows]


async def referenced_title(gate: Gate, group: Field, value: str) -> str:
    """The title of a referenced row outside the board's columns (a stage of another pipeline)."""
    try:
        target = await Gate.open(gate.kernel, group.reference, gate.principal)
        return _title(target.entity, await target.get(value))
    except GateError:
        return "—"

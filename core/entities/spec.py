"""What a plugin declares about an entity (the ``register_entities`` hook).

An :class:`Entity` names its table, labels, fields, list columns, search
fields, relations and default ordering. From it core derives the list view,
detail page, forms, REST API, permissions and import/export — no further code
in the plugin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

FIELD_TYPES = (
    "text", "long_text", "integer", "decimal", "money", "date", "datetime",
    "boolean", "choice", "multi_choice", "reference", "email", "phone", "url", "uuid",
)
KEY_RE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
FIELD_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")

# Columns every entity table has (core.entities.base.EntityTable); never writable.
SYSTEM_FIELDS = ("id", "created_at", "updated_at", "created_by", "updated_by", "version", "deleted_at")


def label(en: str, ru: str | None = None) -> dict[str, str]:
    """A label in both languages, ``{"en": ..., "ru": ...}`` (Russian falls back to English)."""
    return {"en": en, "ru": ru or en}


@dataclass(frozen=True)
class Choice:
    value: str
    label: dict[str, str]


@dataclass(frozen=True)
class Field:
    """A field of an entity, native (a table column) or custom (in ``custom``)."""

    name: str
    type: str
    label: dict[str, str]
    required: bool = False
    choices: tuple[Choice, ...] = ()
    reference: str | None = None  # entity key, for type "reference"
    max_length: int | None = None
    min_value: Decimal | int | None = None
    max_value: Decimal | int | None = None
    pattern: str | None = None
    unique: bool = False
    default: Any = None
    readonly: bool = False  # set by the system, never by a form or the API
    custom: bool = False
    indexed: bool = False
    # Filtered by "starts with" often enough (a tax id typed digit by digit) to get an index
    # for it (core.entities.prefix_index); the entity's title field always has one.
    prefix_filter: bool = False
    # May a board total (or any "sum of a column") add this number up? False for
    # numbers that are positions or codes rather than amounts: coordinates, years.
    summable: bool = True
    # An identifier written with exactly these digit counts (an INN: 10 or 12). An
    # import that gets it as a spreadsheet *number* puts back the leading zeros the
    # spreadsheet dropped (core/dataio/cells.py); nothing else reads it.
    digits: tuple[int, ...] = ()
    # Further headers an imported file may give this field ("Электронная почта",
    # "E-mail" for an email field labelled "Эл. почта"): the import's mapping
    # guess (core.dataio.mapping) compares them like the labels, in any case.
    synonyms: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not FIELD_RE.match(self.name):
            raise ValueError(f"field name {self.name!r} must be lower-case letters, digits and _")
        if self.type not in FIELD_TYPES:
            raise ValueError(f"field {self.name!r}: unknown type {self.type!r} (known: {', '.join(FIELD_TYPES)})")
        if self.type in ("choice", "multi_choice") and not self.choices:
            raise ValueError(f"field {self.name!r}: a {self.type} field needs choices")
        if self.type == "reference" and not self.reference:
            raise ValueError(f"field {self.name!r}: a reference field names the entity it refers to")

    def label_for(self, lang: str) -> str:
        return self.label.get(lang) or self.label.get("en") or self.name

    def choice_label(self, value: str, lang: str) -> str:
        for choice in self.choices:
            if choice.value == value:
                return choice.label.get(lang) or choice.label.get("en") or value
        return value


@dataclass(frozen=True)
class Relation:
    """Child records of this entity: ``entity`` rows whose ``field`` points here.

    Shown as a related list on the record page; restored with the parent.
    """

    name: str
    entity: str
    field: str
    label: dict[str, str]


@dataclass(frozen=True)
class Section:
    """A titled group of fields on the record page (``Entity.sections``).

    Fields of the entity that no section names (custom fields, the ones a
    plugin did not place) go to a last, default section.
    """

    key: str
    label: dict[str, str]
    fields: tuple[str, ...]

    def label_for(self, lang: str) -> str:
        return self.label.get(lang) or self.label.get("en") or self.key


@dataclass(frozen=True)
class Entity:
    key: str  # "<plugin>.<name>", e.g. "contacts.client"
    table: type
    label: dict[str, str]  # singular
    plural: dict[str, str]
    fields: tuple[Field, ...]
    list_columns: tuple[str, ...]
    search_fields: tuple[str, ...] = ()
    order: tuple[str, ...] = ("-created_at",)  # "-" for descending; id breaks ties
    relations: tuple[Relation, ...] = ()
    title_field: str = "name"
    owner_field: str = "owner_id"  # the responsible user: what "own" scope means
    feature: str | None = None
    icon: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    # The kanban board (/<plugin>/<entity>/board, core.kanban): the choice field
    # whose values are its columns (or a reference field: the referenced rows, in
    # their entity's order), a number field summed per column, and the field
    # holding each row's currency (ISO code): the sums are then per currency.
    board_field: str | None = None
    board_sum: str | None = None
    board_currency: str | None = None
    # The record page (docs/entities.md): its fields grouped in sections, and
    # the few facts its header shows (empty: see default_key_facts()).
    sections: tuple[Section, ...] = ()
    key_facts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not KEY_RE.match(self.key):
            raise ValueError(f"entity key {self.key!r} must look like <plugin>.<name>")
        names = [f.name for f in self.fields]
        if len(names) != len(set(names)):
            raise ValueError(f"entity {self.key}: duplicate field names")
        known = set(names) | set(SYSTEM_FIELDS) | {self.owner_field}
        placed = [name for section in self.sections for name in section.fields]
        if len(placed) != len(set(placed)):
            raise ValueError(f"entity {self.key}: a field is placed in two sections")
        if len({s.key for s in self.sections}) != len(self.sections):
            raise ValueError(f"entity {self.key}: duplicate section keys")
        for group, values in (("list_columns", self.list_columns), ("search_fields", self.search_fields),
                              ("sections", placed), ("key_facts", self.key_facts)):
            unknown = [v for v in values if v not in known]
            if unknown:
                raise ValueError(f"entity {self.key}: {group} names unknown fields {unknown}")
        for item in self.order:
            if item.lstrip("-") not in known:
                raise ValueError(f"entity {self.key}: order names unknown field {item!r}")
        declared = {f.name: f for f in self.fields}
        if self.board_field and getattr(declared.get(self.board_field), "type", None) not in ("choice", "reference"):
            raise ValueError(f"entity {self.key}: board_field {self.board_field!r} must name a declared choice or reference field")
        if self.board_currency and self.board_currency not in declared:
            raise ValueError(f"entity {self.key}: board_currency {self.board_currency!r} must name a declared field")
        summed = declared.get(self.board_sum) if self.board_sum else None
        if self.board_sum and (getattr(summed, "type", None) not in ("integer", "decimal", "money") or not summed.summable):
            raise ValueError(f"entity {self.key}: board_sum {self.board_sum!r} must name a declared summable integer, decimal or money field")

    @property
    def plugin(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.key.split(".", 1)[1]

    @property
    def url(self) -> str:
        return f"/{self.plugin}/{self.name}"

    def permission(self, action: str) -> str:
        return f"{self.key}.{action}"

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def default_key_facts(self) -> tuple[str, ...]:
        """The header's facts: the declared ones, else the board's field (the stage),
        the responsible user, and the first phone and e-mail fields."""
        if self.key_facts:
            return self.key_facts
        names = [self.board_field, self.owner_field]
        for kind in ("phone", "email"):
            names.append(next((f.name for f in self.fields if f.type == kind), None))
        return tuple(n for n in names if n)

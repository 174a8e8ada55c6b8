"""One file row to the values the query gate would write, or the reasons it is refused.

The checks are the gate's own: :func:`core.entities.validation.validate` cleans
every mapped value exactly as a form or the API would; the gate's
:meth:`~core.permissions.gate.Gate.check_write_keys` refused the mapping up
front if it names a field the user may not write; references must point at
records the user can read (a few gate queries per batch, never one per row). What this
module adds is only what a file needs and a form does not:

* spreadsheet cells arrive typed (a phone as the number 79161234567, a date as
  a datetime at midnight): :func:`coerce` turns them into what the field
  expects before validation, never guessing beyond that;
* a choice may be given by its label in any language and case ("Компания",
  "High (A)"), not only its code (:mod:`core.dataio.choices`);
* a reference may be given by the referenced record's title, a user by e-mail
  or name, resolved set-based per batch through the gate
  (:mod:`core.dataio.references`); a user naming nobody may become the
  importing user (the mapping's ``unknown_user``);
* yes and no as our export writes them, in any language
  (:class:`core.dataio.readable.BooleanWords`);
* a CSV text cell our export guarded against spreadsheet formulas (``'=x``)
  loses that one apostrophe again (:func:`core.dataio.guard.unguard`); an
  XLSX cell was never guarded, so it is taken as it is;
* dates as serial numbers or ``15.03.2001``, identifiers that lost their
  leading zeros, multi-line cells for one-line fields are read by
  :class:`core.dataio.cells.CellReading`, which counts what it changed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import partial
from typing import Any, Callable
from uuid import UUID

from core.dataio.cells import CellReading
from core.dataio.choices import ChoiceCells
from core.dataio.guard import unguard
from core.dataio.mapping import EXTERNAL_KEY, Mapping
from core.dataio.readable import BooleanWords
from core.dataio.readers import BadRow, ReadError
from core.dataio.references import References, cell_text
from core.entities.spec import SYSTEM_FIELDS, Field
from core.entities.validation import FieldError, clean_value, validate
from core.i18n import _, current_locale
from core.permissions.errors import Invalid

NUMERIC = ("integer", "decimal", "money")
YIELD_EVERY = 200
EXTERNAL_KEY_FIELD = Field("external_key", "text", {"en": "External key", "ru": "Внешний ключ"})


@dataclass
class Rejection:
    line: int
    field: str
    reason: str
    row: list


@dataclass
class Prepared:
    """A row that passed validation: the gate's storage forms, ready for the staging table."""

    line: int
    key: str  # the upsert key as text ("" without a key)
    native: dict[str, Any]
    custom: dict[str, Any]
    search_text: str
    row: list  # as read, for a rejection found later in SQL
    unique: dict[str, str] = field(default_factory=dict)  # field -> value as text (unique fields)


def coerce(spec: Field, value: Any) -> Any:
    """A spreadsheet cell as the input the field expects (text stays text)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return value if spec.type == "boolean" else str(value).lower()
    if isinstance(value, datetime):
        if spec.type == "date" and value.time() == time(0):
            return value.date()
        return value if spec.type in ("datetime",) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value if spec.type in ("date",) else value.isoformat()
    if isinstance(value, float) and spec.type not in NUMERIC:
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (int, Decimal, float)) and spec.type not in NUMERIC:
        return str(value)
    if isinstance(value, time):
        return value.isoformat()
    return value


class RowPlan:
    """The mapping applied to one file's header for one gate."""

    def __init__(self, gate, header: list[str], mapping: Mapping, fields: list[Field], *, guarded: bool = True):
        self.gate = gate
        self.guarded = guarded  # a CSV: our export's formula guard may be on its text cells
        self.header = header
        self.mapping = mapping
        by_name = {f.name: f for f in fields}
        self.columns: list[tuple[int, Field]] = []
        self.key_column: int | None = None
        for index, title in enumerate(header):
            target = mapping.columns.get(title)
            if target == EXTERNAL_KEY:
                self.key_column = index
            elif target:
                self.columns.append((index, by_name[target]))
        # The values the mapping gives every row (a price list's price type and date) are read
        # as cells of columns after the file's own: the same readers and checks as any cell.
        self.constants = [text for name, text in mapping.values.items() if name in by_name]
        self.columns += [(len(header) + n, by_name[name]) for n, name in enumerate(n for n in mapping.values if n in by_name)]
        self.fields = [f for _, f in self.columns]
        self.cells = CellReading(self.fields, current_locale())  # the importer sets the run's own locale
        self.key = mapping.key
        self.key_field = by_name.get(mapping.key) if mapping.key != EXTERNAL_KEY else None
        # A composite key (``inn+kpp``): the record is the one holding all these values.
        parts = mapping.key.split("+") if "+" in mapping.key else []
        self.key_fields = [by_name[n] for n in parts if n in by_name]
        if self.key_field is not None:
            self.key_column = next(i for i, f in self.columns if f.name == self.key_field.name)
        self.width = len(header)
        entity = gate.entity
        self.owner = entity.owner_field
        # Cells read before validation: choice labels to codes, references (ids, titles,
        # e-mails) to ids — each a dictionary look-up per cell (core.dataio.choices, .references).
        self.references = References(gate, self.fields, unknown_user=mapping.unknown_user)
        self.readers: dict[str, Callable[[Any], Any]] = {}
        for f in self.fields:
            if f.type in ("choice", "multi_choice"):
                self.readers[f.name] = ChoiceCells(f)
            elif f.type == "reference":
                self.readers[f.name] = partial(self.references.get, f)
            elif f.type == "boolean":
                self.readers[f.name] = BooleanWords()
        self.unique_fields = [f for f in self.fields if f.unique and f is not self.key_field]
        mapped = {f.name for f in self.fields}
        # What a created record gets for unmapped fields: the gate's create
        # defaults (validate with partial=False), computed once per run.
        writable = [f for f in gate.fields.values() if f.name not in SYSTEM_FIELDS and not f.readonly]
        defaults, errors = validate([f for f in writable if f.name not in mapped], {}, partial=False)
        self.defaults = defaults
        self.missing_required = sorted(errors)  # required, unmapped and without a default
        self.search_fields = tuple(entity.search_fields)
        self.search_complete = all(n in mapped for n in self.search_fields)

    def check_header(self, header: list[str]) -> None:
        if header != self.header:
            raise ReadError(_("The file's header changed since the import started."))

    async def prepare(self, batch: list[tuple[int, list | BadRow]]) -> tuple[list[Prepared], list[Rejection]]:
        """The batch's rows, validated: accepted ones in storage form, and every problem of each
        rejected one (one :class:`Rejection` per refused cell: a bad date does not hide a bad tax id).
        (:mod:`core.dataio.parallel` does the same: references here, :meth:`check_rows` in a worker.)"""
        # References of the whole batch in a few set-based queries, before any row.
        await self.references.load(self.reference_texts(batch))
        return await self.check_rows(batch)

    def reference_texts(self, batch: list[tuple[int, list | BadRow]]) -> dict[str, set[str]]:
        """The distinct texts of each reference column of the batch (field name -> texts)."""
        return {spec.name: {cell_text(coerce(spec, self._cell(values, i))) for _, values in batch
                            if not isinstance(values, BadRow) and (i < len(values) or i >= self.width)}
                for i, spec in self.columns if spec.type == "reference"}

    async def check_rows(self, batch: list[tuple[int, list | BadRow]]) -> tuple[list[Prepared], list[Rejection]]:
        """Every row of the batch validated, without the database (its references already loaded)."""
        accepted: list[Prepared] = []
        rejected: list[Rejection] = []
        for count, (line, values) in enumerate(batch, start=1):
            if count % YIELD_EVERY == 0:
                # Validation is CPU work: let the event loop serve requests meanwhile
                # (on SQLite the job worker runs inside the web process).
                await asyncio.sleep(0)
            if isinstance(values, BadRow):
                rejected.append(Rejection(line, "", values.reason, []))
                continue
            row = [unguard(v) for v in values] if self.guarded else list(values)  # our CSV's guard off (S11): a round trip is exact
            if len(row) > self.width and any(v not in (None, "") for v in row[self.width:]):
                rejected.append(Rejection(line, "", _("The row has more values than the header has columns."), _jsonable(row)))
                continue
            data, errors = {}, {}
            for index, spec in self.columns:
                value = coerce(spec, self.cells.read(spec, self._at(row, index)))
                read = self.readers.get(spec.name)
                if read is not None:
                    try:
                        value = read(value)
                    except FieldError as exc:
                        errors[spec.name] = exc.message
                        continue
                data[spec.name] = value
            clean, invalid = validate(self.fields, data, partial=True)
            errors.update(invalid)
            try:  # plugins' record checks (normalised phones, tax ids...), as on every gate write,
                # on the values that passed their own field's check: one rejection lists every problem
                clean = await self.gate.checked_values(clean)
            except Invalid as exc:
                errors.update({k: v for k, v in exc.errors.items() if k not in errors})
            key = ""
            if self.key:
                try:
                    key = self._key(clean, row)
                except FieldError as exc:
                    errors.setdefault(self._key_name(), exc.message)
                if not key and self._key_name() not in errors:
                    errors[self._key_name()] = _("The key is empty.")
            if errors:
                for name, message in errors.items():
                    rejected.append(Rejection(line, name, message, _jsonable(row)))
                continue
            native, custom = self.gate.storage_values(clean)
            merged = {**self.defaults, **clean}
            unique = {f.name: _text(clean.get(f.name)) for f in self.unique_fields if clean.get(f.name) not in (None, "")}
            accepted.append(Prepared(line, key, native, custom, self.gate.search_text(merged), _jsonable(row), unique))
        return accepted, rejected

    def _cell(self, values: list, index: int):
        if index >= self.width:
            return self._at(values, index)
        value = values[index] if index < len(values) else None
        return unguard(value) if self.guarded else value

    def _at(self, row: list, index: int):
        """The row's cell ``index``, or past the header's width the mapping's value for every row."""
        if index >= self.width:
            return self.constants[index - self.width]
        return row[index] if index < len(row) else None

    def _key(self, clean: dict, row: list) -> str:
        if self.key_fields:  # empty when its first field is: a key without its main part names nothing
            first = _text(clean.get(self.key_fields[0].name))
            return first and "|".join(_text(clean.get(f.name)) for f in self.key_fields)
        if self.key_field is not None:
            return _text(clean.get(self.key_field.name))
        raw = row[self.key_column] if self.key_column is not None and self.key_column < len(row) else None
        # Cleaned as a one-line text field is: no control characters, at most 1000 characters.
        return _text(clean_value(EXTERNAL_KEY_FIELD, coerce(EXTERNAL_KEY_FIELD, raw)))

    def _key_name(self) -> str:
        if self.key_fields:
            return self.key_fields[0].name
        return self.key_field.name if self.key_field else self.header[self.key_column]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ",".join(map(str, value))
    if isinstance(value, UUID):
        return str(value)
    return str(value)


NUL_SIGN = "\u2400"  # "␀": PostgreSQL text and JSON cannot hold NUL, the rejected-rows file shows where it was


def _jsonable(row: list) -> list:
    out = []
    for v in row:
        if v is not None and not isinstance(v, (str, int, float, bool)):
            v = str(v)
        out.append(v.replace("\x00", NUL_SIGN) if isinstance(v, str) else v)
    return out


"""One file row to the values the query gate would write, or the reasons it is refused.

The checks are the gate's own: :func:`core.entities.validation.validate` cleans
every mapped value exactly as a form or the API would; the gate's
:meth:`~core.permissions.gate.Gate.check_write_keys` refused the mapping up
front if it names a field the user may not write; references must point at
records the user can read (one gate query per batch, not per row). What this
module adds is only what a file needs and a form does not:

* spreadsheet cells arrive typed (a phone as the number 79161234567, a date as
  a datetime at midnight): :func:`coerce` turns them into what the field
  expects before validation, never guessing beyond that;
* the responsible user may be given by e-mail, the way people export it;
* a text cell our export guarded against spreadsheet formulas (``'=x``) loses
  that one apostrophe again (:func:`core.dataio.guard.unguard`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from core.dataio.guard import unguard
from core.dataio.mapping import EXTERNAL_KEY, Mapping
from core.dataio.readers import BadRow, ReadError
from core.entities.spec import SYSTEM_FIELDS, Field
from core.entities.validation import FieldError, clean_value, validate
from core.i18n import _
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

    def __init__(self, gate, header: list[str], mapping: Mapping, fields: list[Field]):
        self.gate = gate
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
        self.fields = [f for _, f in self.columns]
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
        self.user_fields = [f for f in self.fields if f.type == "reference" and f.reference == "core.user"]
        self.reference_fields = [f for f in self.fields if f.type == "reference" and f.reference not in ("core.user", "core.team")]
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

    async def prepare(self, batch: list[tuple[int, list | BadRow]], users: "UserLookup") -> tuple[list[Prepared], list[Rejection]]:
        """Validate a batch here: users looked up, rows checked, references checked.
        (:mod:`core.dataio.parallel` does the same with :meth:`check_rows` in worker processes.)"""
        await users.load(self.user_emails(batch))
        accepted, rejected = await self.check_rows(batch, users)
        await self.check_references(accepted, rejected)
        return accepted, rejected

    def user_emails(self, batch: list[tuple[int, list | BadRow]]) -> set[str]:
        """E-mails given for responsible users in this batch (looked up in the database first)."""
        return {str(values[i]).strip().casefold() for _, values in batch if not isinstance(values, BadRow)
                for i, f in self.columns if f in self.user_fields and i < len(values) and _is_email(values[i])}

    async def check_rows(self, batch: list[tuple[int, list | BadRow]], users: "UserLookup") -> tuple[list[Prepared], list[Rejection]]:
        """Every row of the batch validated, without the database (its users already looked up)."""
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
            row = [unguard(v) for v in values]  # our own export's guard apostrophe off (S11): a round trip is exact
            if len(row) > self.width and any(v not in (None, "") for v in row[self.width:]):
                rejected.append(Rejection(line, "", _("The row has more values than the header has columns."), _jsonable(row)))
                continue
            data, errors = {}, {}
            for index, spec in self.columns:
                value = coerce(spec, row[index] if index < len(row) else None)
                if spec in self.user_fields and _is_email(value):
                    found = users.get(str(value).strip().casefold())
                    if found is None:
                        errors[spec.name] = _("No user has this e-mail address.")
                        continue
                    value = found
                data[spec.name] = value
            clean, invalid = validate(self.fields, data, partial=True)
            errors.update(invalid)
            if not errors:
                try:  # plugins' record checks (normalised phones, tax ids...), as on every gate write
                    clean = await self.gate.checked_values(clean)
                except Invalid as exc:
                    errors.update(exc.errors)
            key = ""
            if not errors and self.key:
                try:
                    key = self._key(clean, row)
                except FieldError as exc:
                    errors[self._key_name()] = exc.message
                if not key and not errors:
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

    async def check_references(self, accepted: list[Prepared], rejected: list[Rejection]) -> None:
        """A reference must name a record the user can read — one gate query per field and 500 ids."""
        from core.entities.sql import Filter
        from core.permissions.errors import NotFound
        from core.permissions.gate import MAX_LIMIT, Gate, ListRequest

        bad: dict[int, tuple[str, str]] = {}
        for spec in self.reference_fields:
            ids = sorted({str(p.native.get(spec.name) or p.custom.get(spec.name) or "") for p in accepted} - {""})
            if not ids:
                continue
            visible: set[str] = set()
            try:
                target = await Gate.open(self.gate.kernel, spec.reference, self.gate.principal)
                for start in range(0, len(ids), MAX_LIMIT):
                    chunk = ids[start:start + MAX_LIMIT]
                    page = await target.list(ListRequest(filters=[Filter("id", "in", chunk)], limit=len(chunk)))
                    visible |= {str(r["id"]) for r in page.rows}
            except NotFound:
                pass
            for p in accepted:
                value = p.native.get(spec.name) or p.custom.get(spec.name)
                if value and str(value) not in visible and p.line not in bad:
                    bad[p.line] = (spec.name, _("No such record."))
        if bad:
            for p in [p for p in accepted if p.line in bad]:
                rejected.append(Rejection(p.line, bad[p.line][0], bad[p.line][1], p.row))
            accepted[:] = [p for p in accepted if p.line not in bad]


class UserLookup:
    """E-mail -> user id for the responsible-user column, asked per batch and remembered."""

    def __init__(self):
        self.known: dict[str, str | None] = {}

    async def load(self, emails: set[str]) -> None:
        from core.auth.tables import User

        wanted = [e for e in emails if e not in self.known]
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            rows = await User.select(User.id, User.email).where(User.email.is_in(chunk))
            found = {r["email"].casefold(): str(r["id"]) for r in rows}
            for email in chunk:
                self.known[email] = found.get(email)

    def get(self, email: str) -> str | None:
        return self.known.get(email)


def _is_email(value: Any) -> bool:
    return isinstance(value, str) and "@" in value


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


"""Values as a person reads them in a file, and back: why an export imports again.

An export is read by people and imported again, so its cells are neither
codes nor ids (:class:`ExportValues`):

* a choice is its label in the reader's language, several choices their
  labels joined by ``"; "`` (labels hold commas more often than semicolons);
* a reference is the referenced record's title — or its id where another
  record the user can read has the same title, since only the id tells the two
  apart on the way back; a record the user may not read is left blank;
* the responsible user (and any user field) is the user's e-mail: unique, and
  what a person recognises; a team is its name (team names are unique);
* a date-time is on the user's clock, with its offset, so it means one instant;
* yes and no are words of the reader's language.

The import reads all of that back (:class:`ImportValues`) beside what forms
and the API take (codes, ids, ``true``): a choice by its code or its label in
any language, any case; a reference by id or by a title that names exactly
one record the importing user can read (looked up through the query gate,
one query per batch and referenced entity); a team by name; yes/no words of
every language. What names nothing, or several records, is a rejected cell
with its reason.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from core.entities.picker import DIRECTORY, TEAM, USER
from core.entities.spec import Field
from core.entities.validation import FieldError
from core.i18n import LANGUAGES, N_, _, translations
from core.i18n.timezones import to_zone

YES, NO = N_("yes"), N_("no")
MULTI_SEPARATOR = "; "
TITLE_CHUNK = 500  # titles or ids per gate query (the gate's page size)


def _target(spec: Field) -> str | None:
    return spec.reference if spec.type == "reference" else None


def _as_uuid(text: str) -> UUID | None:
    try:
        return UUID(text.strip())
    except (ValueError, AttributeError):
        return None


class _Targets:
    """The gates of referenced entities, opened once per export or import run."""

    def __init__(self, gate):
        self.gate = gate
        self.gates: dict[str, Any] = {}

    async def of(self, key: str):
        """The target's gate, or None when this user may not read that entity at all."""
        from core.permissions.errors import NotFound
        from core.permissions.gate import Gate

        if key not in self.gates:
            try:
                target = await Gate.open(self.gate.kernel, key, self.gate.principal)
            except NotFound:
                target = None
            if target is not None and not target.readable(target.entity.title_field):
                target = None
            self.gates[key] = target
        return self.gates[key]


async def _rows_where(target, name: str, values: list[str]):
    """Rows of ``target`` (id and title) whose field ``name`` is one of ``values``, page after page."""
    from core.entities.sql import Filter
    from core.permissions.errors import NotFound, Refused
    from core.permissions.gate import MAX_LIMIT, ListRequest

    title = target.entity.title_field
    for start in range(0, len(values), TITLE_CHUNK):
        req = ListRequest(filters=[Filter(name, "in", values[start:start + TITLE_CHUNK])], sort=["id"], limit=MAX_LIMIT)
        while True:
            try:
                page = await target.list(req)
            except (NotFound, Refused):
                return
            for row in page.rows:
                yield str(row["id"]), "" if row.get(title) is None else str(row[title])
            if not page.next_cursor:
                break
            req.cursor = page.next_cursor


# -- export ------------------------------------------------------------------------------


class ExportValues:
    """The readable value of every exported cell, one page of rows at a time."""

    def __init__(self, gate, fields: list[Field], lang: str):
        self.lang = lang
        self.fields = fields
        self.targets = _Targets(gate)
        self.titles: dict[str, dict[str, str]] = {}  # target -> id -> what the cell shows
        self.users: dict[str, str] = {}
        self.teams: dict[str, str] | None = None
        words = translations(lang)
        self.yes, self.no = words.gettext(YES), words.gettext(NO)

    async def load(self, rows: list[dict]) -> None:
        """Look up the titles this page's references show (one query or two per referenced entity)."""
        wanted: dict[str, set[str]] = {}
        for spec in self.fields:
            target = _target(spec)
            if target:
                wanted.setdefault(target, set()).update(str(r[spec.name]) for r in rows if r.get(spec.name))
        for target, ids in wanted.items():
            if target == USER:
                await self._load_users(ids)
            elif target == TEAM:
                await self._load_teams()
            else:
                self.titles[target] = await self._entity_titles(target, sorted(ids))

    async def _load_users(self, ids: set[str]) -> None:
        from core.auth.tables import User

        wanted = [u for u in (_as_uuid(i) for i in ids - self.users.keys()) if u]
        for start in range(0, len(wanted), TITLE_CHUNK):
            rows = await User.select(User.id, User.email).where(User.id.is_in(wanted[start:start + TITLE_CHUNK]))
            self.users.update({str(r["id"]): r["email"] for r in rows})

    async def _load_teams(self) -> None:
        from core.auth.tables import Team

        if self.teams is None:
            self.teams = {str(r["id"]): r["name"] for r in await Team.select(Team.id, Team.name)}

    async def _entity_titles(self, key: str, ids: list[str]) -> dict[str, str]:
        """id -> title, or -> the id itself where a title is shared by several readable records."""
        from core.entities.sql import Filter
        from core.permissions.errors import NotFound, Refused

        target = await self.targets.of(key)
        if target is None or not ids:
            return {}
        titles = {rid: title async for rid, title in _rows_where(target, "id", ids)}
        shown = sorted({t for t in titles.values() if t})
        shared: set[str] = set()
        title = target.entity.title_field
        for start in range(0, len(shown), TITLE_CHUNK):
            try:
                counts = await target.totals(title, filters=[Filter(title, "in", shown[start:start + TITLE_CHUNK])])
            except (NotFound, Refused):
                return {rid: rid for rid in titles}
            shared |= {str(k) for k, (n, _sum) in counts.items() if n > 1}
        return {rid: rid if (t in shared or not t) else t for rid, t in titles.items()}

    def value(self, spec: Field, value: Any) -> Any:
        """What the cell holds: text, or a number, date or bool the spreadsheet keeps typed."""
        if value is None or value == "" or value == []:
            return None
        if spec.type == "choice":
            return spec.choice_label(value, self.lang)
        if spec.type == "multi_choice":
            return MULTI_SEPARATOR.join(spec.choice_label(v, self.lang) for v in value)
        target = _target(spec)
        if target == USER:
            return self.users.get(str(value))
        if target == TEAM:
            return (self.teams or {}).get(str(value))
        if target:
            return self.titles.get(target, {}).get(str(value))  # a record the user may not read: blank
        if isinstance(value, datetime):
            return to_zone(value).isoformat(sep=" ")
        return value

    def text(self, spec: Field, value: Any) -> str:
        """The cell as CSV text."""
        shown = self.value(spec, value)
        if shown is None:
            return ""
        if isinstance(shown, bool):
            return self.yes if shown else self.no
        if isinstance(shown, Decimal):
            return format(shown, "f")
        if isinstance(shown, (list, tuple)):
            return MULTI_SEPARATOR.join(map(str, shown))
        return shown.isoformat() if hasattr(shown, "isoformat") else str(shown)


# -- import ------------------------------------------------------------------------------


def _words(message: str) -> set[str]:
    return {translations(code).gettext(message).casefold() for code in LANGUAGES} | {message}


class ImportValues:
    """File cells as the field's input: labels to codes, titles to ids. Reusable by any
    import path (the rows of :mod:`core.dataio.rows` call :meth:`load` per batch, then
    :meth:`value` per cell)."""

    def __init__(self, gate, fields: list[Field]):
        self.targets = _Targets(gate)
        self.choices: dict[str, dict[str, str | None]] = {}
        for spec in fields:
            if spec.type in ("choice", "multi_choice"):
                self.choices[spec.name] = _choice_names(spec)
        self.references = [f for f in fields if _target(f) and _target(f) not in DIRECTORY]
        self.team_fields = [f for f in fields if _target(f) == TEAM]
        # The fields whose cells may hold a label, title or word: the rest skip :meth:`value`.
        self.names = frozenset(f.name for f in fields if f.type in ("choice", "multi_choice", "boolean")
                               or (_target(f) and _target(f) != USER))
        self.found: dict[str, dict[str, list[str]]] = {}  # target -> title -> ids (at most two kept)
        self.teams: dict[str, str] | None = None
        self.yes, self.no = _words(YES), _words(NO)

    async def load(self, cells: dict[str, set[str]]) -> None:
        """Resolve the titles of a batch: ``cells`` is {reference field name: texts in its column}."""
        self.found = {}  # per batch: memory stays flat over a file of a million references
        by_target: dict[str, set[str]] = {}
        for spec in self.references:
            texts = {t.strip() for t in cells.get(spec.name, ()) if isinstance(t, str) and t.strip() and not _as_uuid(t)}
            by_target.setdefault(spec.reference, set()).update(texts)
        for key, texts in by_target.items():
            known = self.found.setdefault(key, {})
            target = await self.targets.of(key)
            for text in texts:
                known[text] = []
            if target is None or not texts:
                continue
            async for rid, title in _rows_where(target, target.entity.title_field, sorted(texts)):
                ids = known.setdefault(title, [])
                if len(ids) < 2:
                    ids.append(rid)
        if self.team_fields and self.teams is None:
            from core.auth.tables import Team

            self.teams = {r["name"].casefold(): str(r["id"]) for r in await Team.select(Team.id, Team.name)}

    def columns(self) -> list[str]:
        """The fields whose cells :meth:`load` wants to see."""
        return [f.name for f in self.references]

    def value(self, spec: Field, raw: Any) -> Any:
        """The input the field's validation expects; raises :class:`FieldError` for a label or
        title that names nothing (or several records)."""
        if not isinstance(raw, str) or not raw.strip():
            return raw
        text = raw.strip()
        if spec.type == "choice":
            return self._choice(spec, text)
        if spec.type == "multi_choice":
            parts = text.split(";") if ";" in text else text.split(",")
            return [self._choice(spec, p.strip()) for p in parts if p.strip()]
        if spec.type == "boolean":
            word = text.casefold()
            return True if word in self.yes else False if word in self.no else raw
        target = _target(spec)
        if target is None or target == USER or _as_uuid(text):
            return raw
        if target == TEAM:
            found = (self.teams or {}).get(text.casefold())
            if found is None:
                raise FieldError(_("No team has this name."))
            return found
        ids = self.found.get(target, {}).get(text, [])
        if not ids:
            raise FieldError(_("No record has this title, or you may not read it."))
        if len(ids) > 1:
            raise FieldError(_("Several records have this title: put the record's id in the cell instead."))
        return ids[0]

    def _choice(self, spec: Field, text: str) -> str:
        code = self.choices[spec.name].get(text.casefold())
        return code if code is not None else text  # the field's validation refuses it with its own message


def _choice_names(spec: Field) -> dict[str, str | None]:
    """casefolded code or label (any language) -> code; None where two choices share a label."""
    names: dict[str, str | None] = {}
    for choice in spec.choices:
        for name in {choice.value, *choice.label.values()}:
            key = name.casefold()
            names[key] = choice.value if names.get(key, choice.value) == choice.value else None
    for choice in spec.choices:  # a code is always itself, whatever label looks like it
        names[choice.value.casefold()] = choice.value
    return names

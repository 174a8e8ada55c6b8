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

The import reads all of that back beside what forms and the API take (codes,
ids, ``true``): choices by code or label in any language
(:mod:`core.dataio.choices`), references by id or by a title that names
exactly one record the importing user can read, users by e-mail or name,
teams by name (:mod:`core.dataio.references`), and yes/no words of every
language (:class:`BooleanWords`, here).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from core.entities.picker import TEAM, USER
from core.entities.spec import Field
from core.i18n import LANGUAGES, N_, translations
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


async def rows_where(target, name: str, values: list[str], shown: str | None = None):
    """Rows of ``target`` (id and title, or the field ``shown``) whose field ``name`` is one of
    ``values``, page after page (the export's titles of referenced records, the import's records
    named by id, title or a lookup field)."""
    from core.entities.sql import Filter
    from core.permissions.errors import NotFound, Refused
    from core.permissions.gate import MAX_LIMIT, ListRequest

    title = shown or target.entity.title_field
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
        titles = {rid: title async for rid, title in rows_where(target, "id", ids)}
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


class BooleanWords:
    """A yes/no cell: the words our export writes, in every language and any case, to
    True/False; anything else goes on as it is (the field's validation judges it)."""

    def __init__(self):
        self.yes, self.no = _words(YES), _words(NO)

    def __call__(self, value: Any) -> Any:
        if not isinstance(value, str) or not value.strip():
            return value
        word = value.strip().casefold()
        return True if word in self.yes else False if word in self.no else value

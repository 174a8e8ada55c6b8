"""Reference cells to record ids, resolved set-based before a batch is validated.

A file names a referenced record the way people know it: a client by its
name, the responsible user by e-mail or name, a team by name — or by the id
our own export wrote. Per batch, the distinct texts of each reference column
that were not seen before are looked up at once (one gate query per 500
texts, through :func:`core.dataio.readable.rows_where`, which the export's
titles use too; users and teams, who are few, are read once per run), so
validating a row is a dictionary look-up and never a query.

Each text resolves to one id, or to the reason it names none:

* an entity record: by id, by one of its lookup fields (``Entity.lookup_fields``:
  a product's article), or by its title (``Entity.title_field``), read
  through the query gate — so a record the user may not read is not found,
  exactly as if it did not exist (no probing of hidden records). A title
  that several readable records carry is refused, naming how many;
* a user (``core.user``): an active user by id, e-mail or name; a deactivated
  one is refused (nobody is made responsible for anything then), and an empty
  responsible-user cell is the importing user, as on a form. With the
  mapping's ``unknown_user = "me"``, a user cell naming no active user makes
  the importing user responsible instead of rejecting the row;
* a team (``core.team``): by id or name.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from core.entities.spec import Field
from core.entities.validation import FieldError, clean_value
from core.i18n import N_, _, ngettext

USER, TEAM = "core.user", "core.team"
REMEMBERED = 100_000  # distinct texts kept per column between batches; past that the memory is started afresh


class Unresolved:
    """Why a text names no record: a message translated when shown; ``count`` candidates
    when it names several (a title or a user's name that is not unique)."""

    __slots__ = ("message", "count")

    def __init__(self, message: str, count: int = 0):
        self.message, self.count = message, count

    def text(self) -> str:
        if self.count and self.message == USER:
            return ngettext("%(num)d users have this name: give the e-mail of the one you mean.",
                            "%(num)d users have this name: give the e-mail of the one you mean.", self.count) % {"num": self.count}
        if self.count:
            return ngettext("%(num)d records have this title: give the id of the one you mean.",
                            "%(num)d records have this title: give the id of the one you mean.", self.count) % {"num": self.count}
        return _(self.message)


NO_RECORD = Unresolved(N_("No such record, or you may not read it."))
NO_USER = Unresolved(N_("No active user has this e-mail address, name or id."))
DEACTIVATED = Unresolved(N_("This user is deactivated: choose an active user."))
NO_TEAM = Unresolved(N_("No team has this name or id."))


def as_id(text: str) -> UUID | None:
    try:
        return UUID(text) if len(text) <= 45 else None
    except ValueError:
        return None


def cell_text(value: Any) -> str:
    """A cell as the text it names a record by: numbers (an id typed as a number) become text."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class References:
    """The reference columns of one run: ``get(spec, cell)`` after ``load(spec, texts)``."""

    def __init__(self, gate, fields: list[Field], *, unknown_user: str = "reject"):
        self.gate = gate
        self.fields = [f for f in fields if f.type == "reference"]
        self.me = gate.principal.user_id if unknown_user == "me" else None
        self.known: dict[str, dict[str, UUID | Unresolved]] = {f.name: {} for f in self.fields}
        self._users: dict[str, UUID | Unresolved] | None = None
        self._teams: dict[str, UUID | Unresolved] | None = None
        self._gates: dict[str, Any] = {}

    async def load(self, texts: dict[str, set[str]]) -> None:
        """Resolve the texts of each column (field name -> distinct texts) not resolved before."""
        for spec in self.fields:
            known = self.known[spec.name]
            batch = {t for t in texts.get(spec.name, ()) if t}
            wanted = batch - known.keys()
            if not wanted:
                continue
            if len(known) + len(wanted) > REMEMBERED:
                known.clear()  # started afresh: this batch's texts are all looked up again
                wanted = batch
            if spec.reference == USER:
                directory = await self._user_directory()
                known.update({t: self._user(directory, t) for t in wanted})
            elif spec.reference == TEAM:
                directory = await self._team_directory()
                known.update({t: directory.get(_key(t), NO_TEAM) for t in wanted})
            else:
                known.update(await self._records(spec, wanted))

    def get(self, spec: Field, value: Any) -> UUID | None:
        """The id the cell names (None for an empty cell); raises :class:`FieldError` with the reason."""
        text = cell_text(value)
        if not text:
            # No responsible user given: the importer is, as on a form — never nobody.
            return self.gate.principal.user_id if spec.name == self.gate.entity.owner_field else None
        found = self.known[spec.name].get(text, NO_RECORD)
        if isinstance(found, Unresolved):
            raise FieldError(found.text())
        return found

    # -- users and teams: few, read once per run -------------------------------------------

    def _user(self, directory: dict, text: str) -> UUID | Unresolved:
        found = directory.get(_key(text), NO_USER)
        if (found is NO_USER or found is DEACTIVATED) and self.me is not None:
            return self.me  # the mapping said: a user naming nobody (active) is the importer; an ambiguous name stays refused
        return found

    async def _user_directory(self) -> dict[str, UUID | Unresolved]:
        from core.auth.tables import User

        if self._users is None:
            rows = await User.select(User.id, User.email, User.name, User.is_active)
            self._users = _directory(rows, lambda r: (r["email"], r["name"]),
                                     lambda r: r["id"] if r["is_active"] else DEACTIVATED, USER)
        return self._users

    async def _team_directory(self) -> dict[str, UUID | Unresolved]:
        from core.auth.tables import Team

        if self._teams is None:
            self._teams = _directory(await Team.select(Team.id, Team.name), lambda r: (r["name"],), lambda r: r["id"], TEAM)
        return self._teams

    # -- entity records: through the gate, set-based ---------------------------------------------

    async def _records(self, spec: Field, texts: set[str]) -> dict[str, UUID | Unresolved]:
        from core.dataio.readable import rows_where
        from core.permissions.errors import NotFound
        from core.permissions.gate import Gate

        out: dict[str, UUID | Unresolved] = {t: NO_RECORD for t in texts}
        try:
            if spec.reference not in self._gates:
                self._gates[spec.reference] = await Gate.open(self.gate.kernel, spec.reference, self.gate.principal)
            target = self._gates[spec.reference]
        except NotFound:
            return out  # the user may read none of them
        ids = {t: as_id(t) for t in texts}
        visible = {rid async for rid, _title in rows_where(target, "id", sorted({str(i) for i in ids.values() if i}))}
        out.update({t: i for t, i in ids.items() if i is not None and str(i) in visible})
        # Then by the entity's lookup fields (a product's article), then by its title: the
        # first field that some readable record holds the text in decides. A field the
        # user may not read names nothing (ids only, without a readable title).
        pending = {t for t, i in ids.items() if i is None}
        for name in (*target.entity.lookup_fields, target.entity.title_field):
            named = target.fields.get(name)
            if named is None or not target.readable(name) or not pending:
                continue
            matches: dict[str, list[UUID]] = {}
            async for rid, text in rows_where(target, name, sorted(t for t in pending if _fits(named, t)), shown=name):
                matches.setdefault(text, []).append(UUID(rid))
            for text, found in matches.items():
                if text in pending:
                    out[text] = found[0] if len(found) == 1 else Unresolved(spec.reference, len(found))
                    pending.discard(text)
        return out


def _fits(spec: Field, text: str) -> bool:
    """Could the title field hold this text? (A longer text names no record, and would make the gate refuse the query.)"""
    try:
        return clean_value(spec, text) == text
    except FieldError:
        return False


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def _directory(rows, names, value, kind: str) -> dict[str, UUID | Unresolved]:
    """Id, and each name (case folded) → the row's value; a name two rows share names neither."""
    out: dict[str, UUID | Unresolved] = {}
    shared: dict[str, int] = {}
    for row in rows:
        out[str(row["id"])] = value(row)
        for name in names(row):
            key = _key(name or "")
            if not key:
                continue
            shared[key] = shared.get(key, 0) + 1
            out[key] = value(row) if shared[key] == 1 else Unresolved(kind, shared[key])
    return out

"""The rules every gate write obeys before its SQL runs: which keys may be
written, how values are stored, references the writer can read, unique values.

A mixin of :class:`core.permissions.gate.Gate` (it relies on the gate's
``entity``, ``principal``, ``fields``, ``kind``, ``table``, ``kernel``, ``engine`` and the
read clauses' ``_param``); create, update, restore and the bulk import all
go through these, so a rule is written once.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from piccolo.querystring import QueryString

from core.entities.spec import SYSTEM_FIELDS
from core.entities.sql import expression, quote
from core.permissions.clauses import TEXT_TYPES
from core.permissions.errors import Invalid, NotFound, Refused


class WriteRules:
    def _check_keys(self, data: dict, *, creating: bool) -> None:
        refused: dict[str, str] = {}
        for key in data:
            spec = self.fields.get(key)
            if spec is None:
                refused[key] = "unknown field"
            elif key in SYSTEM_FIELDS or spec.readonly:
                refused[key] = "read-only field"
            elif not self.principal.can_write_field(self.entity.key, key):
                refused[key] = "you may not change this field"
            elif key == self.entity.owner_field and not self.principal.can(self.entity.permission("assign")) and not (
                    creating and str(data[key]) == str(self.principal.user_id)):
                # Naming oneself on a new record assigns nothing (the default owner is the creator).
                refused[key] = "you may not assign the responsible user"
        if refused:
            raise Refused(refused)

    async def _check_owner_on_create(self, owner_id: Any) -> None:
        """A new record's responsible user. Creating a record for a colleague is creating
        it as one's own and giving it away at once, so both scopes are judged on the record
        as its creator holds it: the create scope, and — someone else named — the assign
        scope, with any active user as the new responsible (a sales manager with
        ``assign = own`` gives a task to a colleague; docs/security.md). A user without
        assign may only name themselves. Nothing is written when this refuses."""
        owner = self.entity.owner_field
        creator = self.principal.user_id
        if owner_id != creator:
            if not self.principal.reaches(self.entity.permission("assign"), creator):
                raise Refused({owner: "you may not make this user responsible"})
            await self._check_active_user(owner_id)
        if not self.principal.reaches(self.entity.permission("create"), creator):
            raise Refused({owner: "you may not create records for this user"})

    async def _check_active_user(self, user_id: Any) -> None:
        """The responsible user one sets may be any active user (giving a record to a
        colleague is what assign is for), never a deactivated account."""
        from core.permissions.assignable import is_deactivated_user

        if user_id is not None and await is_deactivated_user(user_id):
            raise Invalid({self.entity.owner_field: "this user is deactivated"})

    def _split(self, values: dict) -> tuple[dict, dict]:
        from core.entities.stored_values import to_storage

        native = {k: self._native_empty(k, v) for k, v in values.items() if not self.fields[k].custom}
        custom = {k: to_storage(self.fields[k], v) for k, v in values.items() if self.fields[k].custom}
        return native, custom

    def _native_empty(self, name: str, value: Any) -> Any:
        """A cleared optional text field on a NOT NULL column is stored as "".

        Plugins' tables often declare text columns NOT NULL with default ""
        (Piccolo's default); "no value" must still be writable there.
        """
        if value is not None:
            return value
        column = self.entity.table._meta.get_column_by_name(name)
        if not column._meta.null and self.fields[name].type in TEXT_TYPES:
            return ""
        return value

    def _null_errors(self, clean: dict) -> dict[str, str]:
        """Empty values a NOT NULL column cannot hold (a JSON ``null`` for a yes/no
        field): a per-field error, not the database's refusal as a 500."""
        from core.i18n import _

        errors = {}
        for name, value in clean.items():
            spec = self.fields[name]
            if value is None and not spec.custom and self._native_empty(name, None) is None:
                if not self.entity.table._meta.get_column_by_name(name)._meta.null:
                    errors[name] = _("This field is required.")
        return errors

    def _search_text(self, row: dict) -> str:
        parts = [str(row.get(name) or "") for name in self.entity.search_fields]
        return " ".join(p for p in parts if p).casefold()

    async def _check_references(self, values: dict) -> None:
        """A reference must point at a record the principal can read (no probing of hidden ids)."""
        errors = {}
        for name, value in values.items():
            spec = self.fields[name]
            if spec.type != "reference" or value is None or spec.reference == "core.user":
                continue
            if spec.reference == "core.team":  # a team is not a gate entity: it exists or not
                from core.auth.tables import Team

                if not await Team.exists().where(Team.id == value):
                    errors[name] = "no such team"
                continue
            try:
                await (await type(self).open(self.kernel, spec.reference, self.principal)).get(value)
            except NotFound:
                errors[name] = "no such record"
        if errors:
            raise Invalid(errors)

    async def _check_unique(self, values: dict, record_id: UUID) -> None:
        errors = {}
        for name, value in values.items():
            spec = self.fields[name]
            if not spec.unique or value in (None, ""):
                continue
            expr = expression(spec, self.kind)
            sql = f'SELECT 1 AS x FROM {quote(self.table)} WHERE {expr} = {{}} AND "id" <> {{}} AND "deleted_at" IS NULL LIMIT 1'
            if await self.engine.run_querystring(QueryString(sql, self._param(spec, value), record_id)):
                errors[name] = "this value is already used by another record"
        if errors:
            raise Invalid(errors)

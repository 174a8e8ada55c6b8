"""Custom field definitions: the one API the UI, the REST API and the CLI use.

Definitions are rows of ``core_custom_field``. :func:`list_fields` and
:func:`list_definitions` serve them from each worker's memory, kept behind
the principal stamp that database triggers move with every change of those
rows (:mod:`core.auth.stamped_cache`): a field added through one worker is
live on the next request in every other worker, and no restart is needed
(P9: nothing kept in process memory is used once the database says it moved).

Rules, each refused with a message saying why (``DefinitionError.errors``
maps a form field to its message):

* the name is an identifier (``FIELD_RE``), never a native or system column
  of the entity, and never reused while a retired field holds it;
* ``unique`` only where equality means something (not long text, booleans or
  choices); ``indexed`` not on long text or multi-choice (no useful btree);
  min/max only on numbers; max length only on text; a pattern only on text;
* the default must pass the field's own validation;
* the type (and a reference's target) cannot change while any record holds a
  value: the stored values would be reinterpreted. Add a new field instead;
* a choice still used by records cannot be removed;
* ``unique`` cannot be switched on while live records hold duplicates;
* ``required`` on an entity whose live records lack a value needs a default,
  which is then written into those records (one set-based UPDATE, not in the
  record timelines: it is a schema change, recorded on the definition);
  without a default it is refused — make the field optional, fill it in,
  then require it. Tightening min/max/length/pattern applies to later writes.

Retiring hides a field everywhere (forms, lists, API, filters) and keeps its
values; restoring brings them back. Purging (retired fields only) removes the
values from every record, drops the index and deletes the definition.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID

from piccolo.querystring import QueryString

from core.auth.stamped_cache import StampedCache
from core.custom_fields import indexes
from core.custom_fields.field_input import (
    CHOICE_TYPES, CUSTOM_TYPES, EDITABLE, UNIQUE_TYPES, DefinitionError, build_spec, known_entity, parse_choices,
)
from core.custom_fields.sql import contains_sql, field_param, field_sql, json_text, present_sql, remove_sql
from core.custom_fields.tables import CustomField
from core.db.engine import engine_kind, get_engine, write_transaction
from core.entities.spec import Choice, Entity, Field
from core.entities.validation import plain_decimal
from core.entities.stored_values import from_storage, to_storage
from core.i18n import _

UNSET: Any = object()


class UnknownField(DefinitionError):
    def __init__(self, entity_key: str, name: str):
        super().__init__({"name": _("No custom field {name} on {entity}.").format(name=name, entity=entity_key)}, 404)


@dataclass(frozen=True)
class Definition:
    """A definition row as the screens show it: the field spec plus its lifecycle."""

    entity: str
    field: Field
    retired_at: datetime | None
    position: int
    created_at: datetime | None
    updated_at: datetime | None
    id: UUID | None = None

    def as_json(self) -> dict[str, Any]:
        f = self.field
        return {
            "entity": self.entity, "name": f.name, "type": f.type, "label": dict(f.label),
            "required": f.required, "default": to_storage(f, f.default) if f.default is not None else None,
            "choices": [{"value": c.value, "label": dict(c.label)} for c in f.choices],
            "reference": f.reference,
            "min_value": _plain(f.min_value), "max_value": _plain(f.max_value), "max_length": f.max_length,
            "pattern": f.pattern, "unique": f.unique, "indexed": f.indexed,
            "retired": self.retired_at is not None,
            "retired_at": self.retired_at.isoformat() if self.retired_at else None,
            "position": self.position,
        }


def _plain(value) -> str | None:
    if value is None:
        return None
    return plain_decimal(value) if isinstance(value, Decimal) else str(value)


# -- reading -------------------------------------------------------------------


def _load(raw: Any) -> Any:
    return json.loads(raw) if isinstance(raw, str) else raw


def _field(row: dict) -> Field:
    kind = row["type"]
    choices = tuple(Choice(c["value"], {"en": c["label"].get("en") or c["value"], "ru": c["label"].get("ru") or c["label"].get("en") or c["value"]})
                    for c in (_load(row["choices"]) or []))
    limit = int if kind == "integer" else Decimal
    spec = Field(
        name=row["name"], type=kind, label={"en": row["label_en"], "ru": row["label_ru"] or row["label_en"]},
        required=bool(row["required"]), choices=choices, reference=row["reference"],
        max_length=row["max_length"],
        min_value=limit(row["min_value"]) if row["min_value"] is not None else None,
        max_value=limit(row["max_value"]) if row["max_value"] is not None else None,
        pattern=row["pattern"], unique=bool(row["unique"]), custom=True, indexed=bool(row["indexed"]),
    )
    default = _load(row["default"])
    return replace(spec, default=from_storage(spec, default)) if default is not None else spec


def _definition(row: dict) -> Definition:
    return Definition(entity=row["entity"], field=_field(row), retired_at=row["retired_at"], position=row["position"],
                      created_at=row["created_at"], updated_at=row["updated_at"], id=row["id"])


async def _rows(entity_key: str, name: str | None = None) -> list[dict]:
    query = CustomField.select().where(CustomField.entity == entity_key)
    if name is not None:
        query = query.where(CustomField.name == name)
    return await query.order_by(CustomField.position).order_by(CustomField.name)


async def _read_definitions(entity_keys: list[str]) -> dict[str, tuple[Definition, ...]]:
    return {key: tuple(_definition(r) for r in await _rows(key)) for key in entity_keys}


# Per worker, behind the principal stamp: the triggers on core_custom_field move it.
_kept: StampedCache[str, tuple[Definition, ...]] = StampedCache(_read_definitions)


async def list_definitions(entity_key: str, *, include_retired: bool = False, stamp: int | None = None) -> list[Definition]:
    """The entity's definitions in their screen order, as of ``stamp`` (a request's
    ``Principal.stamp``) or later; kept per worker (:mod:`core.auth.stamped_cache`)."""
    defs = await _kept.get(entity_key, stamp)
    return list(defs) if include_retired else [d for d in defs if d.retired_at is None]


async def list_fields(entity_key: str, *, include_retired: bool = False, stamp: int | None = None) -> list[Field]:
    """The entity's custom fields, in their screen order (see :func:`list_definitions`)."""
    return [d.field for d in await list_definitions(entity_key, include_retired=include_retired, stamp=stamp)]


async def get_definition(entity_key: str, name: str) -> Definition:
    rows = await _rows(entity_key, name)
    if not rows:
        raise UnknownField(entity_key, name)
    return _definition(rows[0])


def _row_values(entity_key: str, spec: Field) -> dict[str, Any]:
    return {
        "entity": entity_key, "name": spec.name, "type": spec.type,
        "label_en": spec.label["en"], "label_ru": spec.label["ru"] if spec.label["ru"] != spec.label["en"] else "",
        "required": spec.required,
        "default": json.dumps(to_storage(spec, spec.default)) if spec.default is not None else None,
        "choices": json.dumps([{"value": c.value, "label": c.label} for c in spec.choices]),
        "reference": spec.reference if spec.type == "reference" else None,
        "min_value": _plain(spec.min_value), "max_value": _plain(spec.max_value), "max_length": spec.max_length,
        "pattern": spec.pattern, "unique": spec.unique, "indexed": spec.indexed,
    }


# -- what the rows hold ------------------------------------------------------------------


def _table(entity: Entity) -> str:
    return entity.table._meta.tablename


async def _count(entity: Entity, where: str, *params) -> int:
    engine = get_engine()
    rows = await engine.run_querystring(QueryString(f'SELECT count(*) AS n FROM "{_table(entity)}" WHERE {where}', *params))
    return int(rows[0]["n"])


async def records_with_values(entity: Entity, spec: Field) -> int:
    """Rows of any state (trash too) that hold a non-null value of the field."""
    return await _count(entity, f"{json_text(spec, engine_kind(get_engine()))} IS NOT NULL")


async def live_rows_without_value(entity: Entity, spec: Field) -> int:
    return await _count(entity, f'"deleted_at" IS NULL AND {json_text(spec, engine_kind(get_engine()))} IS NULL')


async def _choice_uses(entity: Entity, spec: Field, value: str) -> int:
    kind = engine_kind(get_engine())
    if spec.type == "multi_choice":
        return await _count(entity, contains_sql(spec, kind), value)
    return await _count(entity, f"{field_sql(spec, kind)} = {{}}", value)


async def _duplicates(entity: Entity, spec: Field) -> int:
    expr = field_sql(spec, engine_kind(get_engine()))
    rows = await get_engine().run_querystring(QueryString(
        f'SELECT count(*) AS n FROM (SELECT {expr} AS v FROM "{_table(entity)}" WHERE "deleted_at" IS NULL '
        f"AND {expr} IS NOT NULL GROUP BY {expr} HAVING count(*) > 1) AS d"
    ))
    return int(rows[0]["n"])


async def _backfill(entity: Entity, spec: Field) -> int:
    """Write the default into every row lacking a value (one UPDATE); returns how many rows."""
    engine = get_engine()
    kind = engine_kind(engine)
    stored = json.dumps(to_storage(spec, spec.default))
    missing = f"{json_text(spec, kind)} IS NULL"
    if kind == "sqlite":
        setter = f"json_set(\"custom\", '$.{spec.name}', json({{}}))"
    else:
        setter = f"(\"custom\" || jsonb_build_object('{spec.name}', CAST({{}} AS text)::jsonb))"
    count = await _count(entity, missing)
    await engine.run_querystring(QueryString(f'UPDATE "{_table(entity)}" SET "custom" = {setter} WHERE {missing}', stored))
    return count


# -- writing -------------------------------------------------------------------------------


def _system_principal():
    from core.permissions.principal import Principal

    return Principal(user_id=None, via="system")


async def _audit(principal, definition_id: UUID, action: str, before: dict, after: dict) -> None:
    from core.audit.trail import record_changes

    await record_changes(principal or _system_principal(), "core.field", definition_id, action, before, after)


async def _sync_index(entity: Entity, spec: Field, *, active: bool) -> str | None:
    """Make the index match the definition; returns ``"unique"``, ``"index"`` or ``None``."""
    table = _table(entity)
    if not (active and spec.indexed):
        await indexes.drop_index(table, spec)
        return None
    return await indexes.create_index(table, spec, unique=spec.unique)


async def create_field(
    entity_key: str, name: str, type: str, label_en: str, label_ru: str = "", *, kernel,
    required: bool = False, default: Any = None, choices: Any = None, reference: str | None = None,
    min_value: Any = None, max_value: Any = None, max_length: Any = None, pattern: str | None = None,
    unique: bool = False, indexed: bool = False, principal=None,
) -> Definition:
    """Add a field to an entity; live at once in every worker. Raises :class:`DefinitionError`."""
    entity = known_entity(kernel, entity_key)
    values = dict(name=name, type=type, label_en=label_en, label_ru=label_ru, required=required, default=default,
                  choices=choices, reference=reference, min_value=min_value, max_value=max_value,
                  max_length=max_length, pattern=pattern, unique=unique, indexed=indexed)
    spec, errors = build_spec(kernel, entity, values)
    if "name" not in errors and await _rows(entity_key, spec.name):
        errors["name"] = _("{entity} already has a field {name} (a retired field keeps its name until purged).").format(
            entity=entity_key, name=spec.name)
    if errors:
        raise DefinitionError(errors)
    if spec.required and spec.default is None and await live_rows_without_value(entity, spec):
        raise DefinitionError({"required": _(
            "{entity} already has records, and they would have no value: give a default (written into them), "
            "or add the field as optional, fill it in, then make it required."
        ).format(entity=entity_key)})
    engine = get_engine()
    rows = await engine.run_querystring(QueryString(
        'SELECT coalesce(max("position"), 0) AS p FROM "core_custom_field" WHERE "entity" = {}', entity_key))
    row = CustomField(**_row_values(entity_key, spec), position=int(rows[0]["p"] or 0) + 1,
                      created_by=getattr(principal, "user_id", None))
    try:
        await row.save()
    except Exception:  # the (entity, name) unique index: a concurrent add of the same name
        if await _rows(entity_key, spec.name):
            raise DefinitionError({"name": _("{entity} already has a field {name}.").format(entity=entity_key, name=spec.name)}) from None
        raise
    if spec.required and spec.default is not None:
        await _backfill(entity, spec)
    await _audit(principal, row.id, "create", {}, _row_values(entity_key, spec))
    await _sync_index(entity, spec, active=True)
    return await get_definition(entity_key, spec.name)


async def update_field(entity_key: str, name: str, *, kernel, principal=None, **changes: Any) -> Definition:
    """Change a field's definition; only the keys given change. Raises :class:`DefinitionError`."""
    entity = known_entity(kernel, entity_key)
    current = await get_definition(entity_key, name)
    unknown = [k for k in changes if k not in EDITABLE]
    if unknown:
        raise DefinitionError({k: _("Cannot be changed (a field is renamed by adding a new one).") if k == "name" else _("Unknown setting.") for k in unknown})
    if current.retired_at is not None:
        raise DefinitionError({"name": _("The field is retired; restore it before editing.")}, 409)
    before = current.as_json()
    values = {
        "name": name, "type": current.field.type, "label_en": current.field.label["en"],
        "label_ru": before["label"].get("ru") if before["label"].get("ru") != before["label"].get("en") else "",
        "required": current.field.required, "default": before["default"], "choices": before["choices"],
        "reference": current.field.reference, "min_value": before["min_value"], "max_value": before["max_value"],
        "max_length": current.field.max_length, "pattern": current.field.pattern,
        "unique": current.field.unique, "indexed": current.field.indexed,
    }
    if "type" in changes and changes["type"] != current.field.type:
        # Settings of the old type do not carry over to the new one.
        for key in ("choices", "reference", "min_value", "max_value", "max_length", "pattern", "default"):
            values[key] = None
        if values["unique"] and changes["type"] not in UNIQUE_TYPES and "unique" not in changes:
            values["unique"] = False
    values.update(changes)
    spec, errors = build_spec(kernel, entity, values)
    errors.pop("name", None)  # the stored name was checked when the field was added
    if errors:
        raise DefinitionError(errors)
    old = current.field
    held = None
    if spec.type != old.type or (spec.type == "reference" and spec.reference != old.reference):
        held = await records_with_values(entity, old)
        if held:
            raise DefinitionError({"type" if spec.type != old.type else "reference": _(
                "{n} record(s) hold values of this field, which the change would reinterpret. "
                "Add a new field instead, or retire and purge this one first."
            ).format(n=held)}, 409)
    if spec.type in CHOICE_TYPES and old.type == spec.type:
        kept = {c.value for c in spec.choices}
        for choice in old.choices:
            if choice.value not in kept and (uses := await _choice_uses(entity, old, choice.value)):
                raise DefinitionError({"choices": _(
                    "{n} record(s) use the choice {value}; change them first, or keep the choice."
                ).format(n=uses, value=choice.value)}, 409)
    if spec.unique and not (old.unique and old.type == spec.type) and (dups := await _duplicates(entity, spec)):
        raise DefinitionError({"unique": _(
            "{n} value(s) are held by more than one record; make them distinct first."
        ).format(n=dups)}, 409)
    if spec.required and (missing := await live_rows_without_value(entity, spec)) and spec.default is None:
        raise DefinitionError({"required": _(
            "{n} record(s) have no value: give a default (written into them), or fill them in first."
        ).format(n=missing)}, 409)
    stored = _row_values(entity_key, spec)
    await CustomField.update({**{getattr(CustomField, k): v for k, v in stored.items() if k not in ("entity", "name")},
                              CustomField.updated_at: datetime.now(timezone.utc)}).where(CustomField.id == current.id)
    if spec.required and spec.default is not None:
        await _backfill(entity, spec)
    after = (await get_definition(entity_key, name))
    await _audit(principal, current.id, "update", before, after.as_json())
    if spec.type != old.type or spec.unique != old.unique or spec.indexed != old.indexed:
        await indexes.drop_index(_table(entity), old)
        await _sync_index(entity, spec, active=True)
    return after


async def retire_field(entity_key: str, name: str, *, kernel, principal=None) -> Definition:
    """Hide the field everywhere and keep its values; its index is dropped (nothing queries it)."""
    entity = known_entity(kernel, entity_key)
    current = await get_definition(entity_key, name)
    if current.retired_at is not None:
        return current
    now = datetime.now(timezone.utc)
    await CustomField.update({CustomField.retired_at: now, CustomField.updated_at: now}).where(CustomField.id == current.id)
    await _audit(principal, current.id, "retire", {"retired_at": None}, {"retired_at": now})
    await _sync_index(entity, current.field, active=False)
    return await get_definition(entity_key, name)


async def restore_field(entity_key: str, name: str, *, kernel, principal=None) -> Definition:
    """Show a retired field again, with the values it kept; its index is rebuilt."""
    entity = known_entity(kernel, entity_key)
    current = await get_definition(entity_key, name)
    if current.retired_at is None:
        return current
    await CustomField.update({CustomField.retired_at: None, CustomField.updated_at: datetime.now(timezone.utc)}).where(
        CustomField.id == current.id)
    await _audit(principal, current.id, "restore", {"retired_at": current.retired_at}, {"retired_at": None})
    await _sync_index(entity, current.field, active=True)
    return await get_definition(entity_key, name)


async def purge_field(entity_key: str, name: str, *, kernel, principal=None) -> int:
    """Remove a retired field's values from every record, its index and its definition.

    Returns how many records held a value. Only a retired field can be
    purged: retiring first is the step that can be undone.
    """
    entity = known_entity(kernel, entity_key)
    current = await get_definition(entity_key, name)
    if current.retired_at is None:
        raise DefinitionError({"name": _("Retire the field before purging it (purging deletes its values).")}, 409)
    engine = get_engine()
    kind = engine_kind(engine)
    await indexes.drop_index(_table(entity), current.field)
    held = await _count(entity, present_sql(current.field, kind))
    async with write_transaction(engine):
        await engine.run_querystring(QueryString(remove_sql(_table(entity), current.field, kind)))
        await CustomField.delete().where(CustomField.id == current.id)
        await _audit(principal, current.id, "purge", current.as_json(), {})
    return held


__all__ = [
    "CUSTOM_TYPES", "EDITABLE", "Definition", "DefinitionError", "UnknownField", "known_entity", "list_fields", "list_definitions",
    "get_definition", "create_field", "update_field", "retire_field", "restore_field", "purge_field",
    "parse_choices", "field_param",
]

"""Custom field definitions: the one API the UI, the REST API and the CLI use.

Definitions are rows of ``core_custom_field``; :func:`list_fields` reads them
on every call (one indexed query) rather than caching them in the process, so
a field added through one worker is live in every other worker at once and
no restart is needed (P9: no state in process memory that can go stale).

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

from core.custom_fields import indexes
from core.custom_fields.patterns import PatternError, check_pattern
from core.custom_fields.sql import contains_sql, field_param, field_sql, json_text, present_sql, remove_sql
from core.custom_fields.tables import CustomField
from core.db.engine import engine_kind, get_engine, write_transaction
from core.entities.spec import FIELD_RE, SYSTEM_FIELDS, Choice, Entity, Field
from core.entities.validation import (
    EMAIL_MAX_LENGTH, LONG_TEXT_MAX_LENGTH, PHONE_MAX_LENGTH, TEXT_MAX_LENGTH, URL_MAX_LENGTH,
    FieldError, clean_value, plain_decimal,
)
from core.entities.stored_values import from_storage, to_storage
from core.i18n import _

CUSTOM_TYPES = (
    "text", "long_text", "integer", "decimal", "money", "date", "datetime", "boolean",
    "choice", "multi_choice", "reference", "email", "phone", "url",
)
NUMBER_TYPES = ("integer", "decimal", "money")
LENGTH_LIMITS = {"text": TEXT_MAX_LENGTH, "long_text": LONG_TEXT_MAX_LENGTH, "email": EMAIL_MAX_LENGTH,
                 "phone": PHONE_MAX_LENGTH, "url": URL_MAX_LENGTH}
UNIQUE_TYPES = ("text", "email", "phone", "url", "integer", "decimal", "money", "date", "datetime", "reference")
INDEX_TYPES = tuple(t for t in CUSTOM_TYPES if t not in ("long_text", "multi_choice"))
CHOICE_TYPES = ("choice", "multi_choice")
RESERVED = frozenset(SYSTEM_FIELDS) | {"custom", "search_text", "owner_id"}
LABEL_MAX = 200
CHOICE_MAX = 100
EDITABLE = ("label_en", "label_ru", "required", "default", "choices", "reference", "type", "min_value",
            "max_value", "max_length", "pattern", "unique", "indexed")
UNSET: Any = object()


class DefinitionError(ValueError):
    """A definition refused; ``errors`` maps an input name to a message for the administrator."""

    def __init__(self, errors: dict[str, str], status: int = 400):
        self.errors = errors
        self.status = status
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


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


async def list_definitions(entity_key: str, *, include_retired: bool = False) -> list[Definition]:
    defs = [_definition(r) for r in await _rows(entity_key)]
    return defs if include_retired else [d for d in defs if d.retired_at is None]


async def list_fields(entity_key: str, *, include_retired: bool = False) -> list[Field]:
    """The entity's custom fields, in their screen order; read from the database every call."""
    return [d.field for d in await list_definitions(entity_key, include_retired=include_retired)]


async def get_definition(entity_key: str, name: str) -> Definition:
    rows = await _rows(entity_key, name)
    if not rows:
        raise UnknownField(entity_key, name)
    return _definition(rows[0])


# -- checking input ----------------------------------------------------------------


def _entity(kernel, entity_key: str) -> Entity:
    entity = kernel.entities.get(entity_key) if isinstance(entity_key, str) else None
    if entity is None:
        raise DefinitionError({"entity": _("Unknown entity {key}.").format(key=entity_key)}, 404)
    return entity


def parse_choices(raw: Any) -> list[dict]:
    """Choices from the API (``[{"value", "label": {"en", "ru"}}]`` or ``["value"]``), the CLI or a
    form (``value=Label`` or ``value=Label|Метка``, one per item or line). Raises ``FieldError``."""
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        raw = [line for line in raw.splitlines() if line.strip()]
    if not isinstance(raw, (list, tuple)):
        raise FieldError(_("Send choices as a list."))
    out: list[dict] = []
    for item in raw:
        if isinstance(item, str):
            value, _sep, labels = item.strip().partition("=")
            en, _sep, ru = labels.partition("|")
            item = {"value": value.strip(), "label": {"en": en.strip() or value.strip(), "ru": ru.strip()}}
        if not isinstance(item, dict) or not isinstance(item.get("value"), str):
            raise FieldError(_("Each choice needs a value."))
        value = item["value"].strip()
        label = item.get("label") or {}
        if isinstance(label, str):
            label = {"en": label}
        if not isinstance(label, dict) or not all(isinstance(v, str) for v in label.values()):
            raise FieldError(_("A choice label is text (or {{\"en\": ..., \"ru\": ...}})."))
        if not value or len(value) > CHOICE_MAX or "," in value or any(ch.isspace() for ch in value):
            raise FieldError(_("Choice values are 1–{n} characters without spaces or commas: {value!r}.").format(n=CHOICE_MAX, value=value))
        en, ru = (label.get("en") or value).strip(), (label.get("ru") or "").strip()
        if len(en) > LABEL_MAX or len(ru) > LABEL_MAX:
            raise FieldError(_("A choice label is at most {n} characters.").format(n=LABEL_MAX))
        out.append({"value": value, "label": {"en": en, "ru": ru}})
    values = [c["value"] for c in out]
    if len(values) != len(set(values)):
        raise FieldError(_("Each choice value may appear only once."))
    return out


def _bool(raw: Any, name: str, errors: dict) -> bool:
    try:
        return bool(clean_value(Field("flag", "boolean", {"en": name}), raw)) if raw is not None else False
    except FieldError as exc:
        errors[name] = exc.message
        return False


def _limit_value(kind: str, raw: Any, name: str, errors: dict):
    if raw is None or raw == "":
        return None
    if kind not in NUMBER_TYPES:
        errors[name] = _("Minimum and maximum apply to numbers only.")
        return None
    try:
        return clean_value(Field("limit", kind, {"en": name}), raw)
    except FieldError as exc:
        errors[name] = exc.message
        return None


def build_spec(kernel, entity: Entity, values: dict[str, Any]) -> tuple[Field, dict[str, str]]:
    """The :class:`Field` the values describe, and every error found (never raises for bad input)."""
    errors: dict[str, str] = {}
    name = values.get("name")
    kind = values.get("type")
    if kind not in CUSTOM_TYPES:
        errors["type"] = _("Choose a type: {types}.").format(types=", ".join(CUSTOM_TYPES))
        kind = "text"
    label_en = (values.get("label_en") or "").strip() if isinstance(values.get("label_en"), str) else ""
    label_ru = (values.get("label_ru") or "").strip() if isinstance(values.get("label_ru"), str) else ""
    if not label_en:
        errors["label_en"] = _("Enter a label.")
    elif len(label_en) > LABEL_MAX:
        errors["label_en"] = _("Enter at most {n} characters.").format(n=LABEL_MAX)
    if len(label_ru) > LABEL_MAX:
        errors["label_ru"] = _("Enter at most {n} characters.").format(n=LABEL_MAX)
    try:
        choices = parse_choices(values.get("choices"))
    except FieldError as exc:
        errors["choices"], choices = exc.message, []
    if kind in CHOICE_TYPES and not choices and "choices" not in errors:
        errors["choices"] = _("A {type} field needs at least one choice.").format(type=kind.replace("_", "-"))
    elif kind not in CHOICE_TYPES and choices:
        errors["choices"] = _("Only choice and multi-choice fields have choices.")
    reference = values.get("reference") or None
    if kind == "reference":
        if not reference:
            errors["reference"] = _("Choose the entity this field refers to.")
        elif reference != "core.user" and reference not in kernel.entities:
            errors["reference"] = _("Unknown entity {key}.").format(key=reference)
    elif reference:
        errors["reference"] = _("Only reference fields refer to an entity.")
        reference = None
    min_value = _limit_value(kind, values.get("min_value"), "min_value", errors)
    max_value = _limit_value(kind, values.get("max_value"), "max_value", errors)
    if min_value is not None and max_value is not None and min_value > max_value:
        errors["max_value"] = _("The maximum is less than the minimum.")
    max_length = values.get("max_length")
    if max_length in (None, ""):
        max_length = None
    elif kind not in LENGTH_LIMITS:
        errors["max_length"] = _("A maximum length applies to text fields only.")
        max_length = None
    else:
        try:
            max_length = clean_value(Field("max_length", "integer", {"en": ""}, min_value=1, max_value=LENGTH_LIMITS[kind]), max_length)
        except FieldError as exc:
            errors["max_length"], max_length = exc.message, None
    pattern = values.get("pattern") or None
    if pattern is not None:
        if kind != "text":
            errors["pattern"] = _("A pattern applies to text fields only.")
            pattern = None
        else:
            try:
                check_pattern(pattern)
            except PatternError as exc:
                errors["pattern"], pattern = str(exc), None
    required = _bool(values.get("required"), "required", errors)
    unique = _bool(values.get("unique"), "unique", errors)
    indexed = _bool(values.get("indexed"), "indexed", errors)
    if unique and kind not in UNIQUE_TYPES:
        errors["unique"] = _("A {type} field cannot be unique.").format(type=kind.replace("_", " "))
    if indexed and kind not in INDEX_TYPES:
        errors["indexed"] = _("A {type} field cannot be indexed.").format(type=kind.replace("_", " "))
    if not isinstance(name, str) or not FIELD_RE.fullmatch(name):
        errors["name"] = _("Use lower-case Latin letters, digits and _, starting with a letter (at most 63).")
        name = "invalid"
    elif name in RESERVED or entity.field(name) is not None or name == entity.owner_field or \
            name in {c._meta.name for c in entity.table._meta.columns}:
        errors["name"] = _("{name} is a built-in field of {entity}; choose another name.").format(name=name, entity=entity.key)
    spec = Field(
        name=name, type=kind, label={"en": label_en or name, "ru": label_ru or label_en or name}, required=required,
        choices=tuple(Choice(c["value"], {"en": c["label"]["en"], "ru": c["label"]["ru"] or c["label"]["en"]}) for c in choices)
        or ((Choice("x", {"en": "x"}),) if kind in CHOICE_TYPES else ()),
        reference=reference or ("core.user" if kind == "reference" else None),
        max_length=max_length, min_value=min_value, max_value=max_value, pattern=pattern,
        unique=unique, custom=True, indexed=indexed,
    )
    raw_default = values.get("default")
    if raw_default is not None and raw_default != "" and raw_default != []:
        try:
            spec = replace(spec, default=clean_value(replace(spec, required=False), raw_default))
        except FieldError as exc:
            errors["default"] = _("The default is not valid for this field: {why}").format(why=exc.message)
    return spec, errors


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
    entity = _entity(kernel, entity_key)
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
    entity = _entity(kernel, entity_key)
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
    entity = _entity(kernel, entity_key)
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
    entity = _entity(kernel, entity_key)
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
    entity = _entity(kernel, entity_key)
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
    "CUSTOM_TYPES", "Definition", "DefinitionError", "UnknownField", "list_fields", "list_definitions",
    "get_definition", "create_field", "update_field", "retire_field", "restore_field", "purge_field",
    "parse_choices", "field_param",
]

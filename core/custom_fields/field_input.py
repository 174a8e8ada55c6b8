"""What an administrator may declare as a custom field: the types and limits,
and the checks that turn a form, API body or CLI options into a :class:`Field`
(every problem reported at once, by input name, never raised half-way).

:mod:`core.custom_fields.definitions` stores what passes here and checks what
depends on the records (values in use, duplicates); this module looks at the
input alone.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from core.custom_fields.patterns import PatternError, check_pattern
from core.entities.spec import FIELD_RE, SYSTEM_FIELDS, Choice, Entity, Field
from core.entities.validation import (
    EMAIL_MAX_LENGTH, LONG_TEXT_MAX_LENGTH, PHONE_MAX_LENGTH, TEXT_MAX_LENGTH, URL_MAX_LENGTH,
    FieldError, clean_value,
)
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


class DefinitionError(ValueError):
    """A definition refused; ``errors`` maps an input name to a message for the administrator."""

    def __init__(self, errors: dict[str, str], status: int = 400):
        self.errors = errors
        self.status = status
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def known_entity(kernel, entity_key: str) -> Entity:
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

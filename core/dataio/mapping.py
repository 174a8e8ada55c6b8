"""File columns to entity fields: guessed from the headers, checked, saved as templates.

A mapping is ``{"columns": {header: target}, "key": target}``. A target is a
field name, or :data:`EXTERNAL_KEY` for a column holding the source system's
own key (kept in ``core_dataio_xkey``, so a re-run finds the record again
although the key is no field of the entity). Mappings are keyed by header
text, so a saved template fits every file with the same headers, whatever
their order.

The guess compares normalised headers (case, spaces, punctuation and ё
folded away) with each field's name, its English and Russian labels and the
further headers its declaration names (``Field.synonyms``: "Электронная
почта", "E-mail"...), then with a few common names of a source key; a header
matching nothing, or several fields, is left unmapped rather than guessed at.

``unknown_user`` says what a user column (the responsible user) naming no
active user of this instance does: ``"reject"`` the cell, or make the
importing user (``"me"``) responsible instead.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from core.entities.spec import SYSTEM_FIELDS, Field
from core.i18n import _, current_locale

EXTERNAL_KEY = "@key"
UNKNOWN_USER = ("reject", "me")  # what a user cell naming nobody does: its row is rejected, or the importer takes it
KEY_HEADERS = ("ref", "external id", "external key", "source id", "guid", "uid", "код", "внешний код",
               "внешний ключ", "идентификатор", "ид")


class MappingError(ValueError):
    """A mapping that cannot be used; ``errors`` maps a column or "key" to a message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def error_sentences(errors: dict[str, str], header: list[str] = (), skip: tuple[str, ...] = ()) -> list[str]:
    """A refused mapping's problems as sentences for a person: a column's named by its header
    (``skip``: problems shown elsewhere on the screen)."""
    return [_("Column “{column}”: {problem}").format(column=name, problem=message) if name in header else message
            for name, message in errors.items() if name not in skip]


def normalize(text: str) -> str:
    return re.sub(r"[\W_]+", "", str(text).casefold().replace("ё", "е"))


def importable_fields(gate) -> list[Field]:
    """Fields the principal may set through an import: those they may write on a form."""
    entity, principal = gate.entity, gate.principal
    out = []
    for f in gate.fields.values():
        if f.name in SYSTEM_FIELDS or f.readonly or not gate.readable(f.name):
            continue
        if not principal.can_write_field(entity.key, f.name):
            continue
        if f.name == entity.owner_field and not principal.can(entity.permission("assign")):
            continue
        out.append(f)
    return out


def _names(f: Field) -> set[str]:
    names = {normalize(f.name)}
    for text in (f.label.get("en", ""), f.label.get("ru", "")):
        names.add(normalize(text))
        # "ИНН / налоговый номер", "Tax ID (INN, VAT…)": each part names the field too.
        names.update(normalize(part) for part in re.split(r"[/(),;…]+", text) if len(normalize(part)) >= 2)
    names.update(normalize(text) for text in f.synonyms)  # whole headers only: their parts name nothing for sure
    if f.name.endswith("_id"):
        names.add(normalize(f.name[:-3]))
    return {n for n in names if n}


def guess(header: list[str], fields: list[Field]) -> dict[str, str]:
    """{header: target} for the headers that name a field (or a source key) unambiguously."""
    by_name: dict[str, list[str]] = {}
    for f in fields:
        for n in _names(f):
            by_name.setdefault(n, []).append(f.name)
    keys = {normalize(k) for k in KEY_HEADERS}
    out: dict[str, str] = {}
    used: set[str] = set()
    for title in header:
        n = normalize(title)
        if not n or title in out:
            continue
        hits = sorted(set(by_name.get(n, [])))
        if not hits and " / " in title:
            # A header joined from two merged rows ("Контакты / Телефон"): its own row names the field.
            n = normalize(title.rsplit(" / ", 1)[1])
            hits = sorted(set(by_name.get(n, [])))
        if len(hits) == 1 and hits[0] not in used:
            out[title] = hits[0]
            used.add(hits[0])
        elif n in keys and EXTERNAL_KEY not in used:
            out[title] = EXTERNAL_KEY
            used.add(EXTERNAL_KEY)
    # Second pass: "owner_email" names the owner, "Телефон рабочий" the phone —
    # a header that starts with exactly one unused field's name or label.
    for title in header:
        n = normalize(title)
        if not n or title in out:
            continue
        hits = sorted({f.name for f in fields if f.name not in used and any(len(x) >= 4 and n.startswith(x) for x in _names(f))})
        if len(hits) == 1:
            out[title] = hits[0]
            used.add(hits[0])
    return out


def guess_key(columns: dict[str, str], fields: list[Field]) -> str:
    """The external key if a column holds one, else the first mapped unique field, else none."""
    targets = set(columns.values())
    if EXTERNAL_KEY in targets:
        return EXTERNAL_KEY
    for f in fields:
        if f.unique and f.name in targets:
            return f.name
    return ""


@dataclass
class Mapping:
    columns: dict[str, str] = field(default_factory=dict)  # header -> target
    key: str = ""
    unknown_user: str = "reject"  # one of UNKNOWN_USER
    # field -> the text every row gives it, read as a cell would be: what a file has no column
    # for (a supplier's price list names neither the price type nor the date its prices start).
    values: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict:
        out = {"columns": dict(self.columns), "key": self.key, "unknown_user": self.unknown_user}
        if self.values:
            out["values"] = dict(self.values)
        return out

    @classmethod
    def from_json(cls, data) -> "Mapping":
        if isinstance(data, str):
            data = json.loads(data)
        if not isinstance(data, dict) or not isinstance(data.get("columns", {}), dict):
            raise MappingError({"mapping": _("A mapping is an object with \"columns\" (header to field) and \"key\".")})
        columns = {str(k): str(v) for k, v in (data.get("columns") or {}).items() if v}
        values = data.get("values") or {}
        if not isinstance(values, dict):
            raise MappingError({"mapping": _("\"values\" is an object: field to the value every row gives it.")})
        values = {str(k): str(v) for k, v in values.items() if k and v is not None and str(v).strip()}
        return cls(columns=columns, key=str(data.get("key") or ""), unknown_user=str(data.get("unknown_user") or "reject"),
                   values=values)


def check(mapping: Mapping, header: list[str], fields: list[Field], composite: tuple[str, ...] = ()) -> None:
    """Refuse a mapping that names unknown or unwritable fields, maps one twice, or keys on
    something that is no unique field, no external key column and none of the entity's
    ``composite`` keys (``inn+kpp``: its match rules of several fields, see ``matching``)."""
    by_name = {f.name: f for f in fields}
    errors: dict[str, str] = {}
    seen: dict[str, str] = {}
    for title, target in mapping.columns.items():
        if title not in header:
            errors[title] = _("The file has no column with this header.")
        elif target != EXTERNAL_KEY and target not in by_name:
            errors[title] = _("Unknown field {name}, or you may not set it.").format(name=target)
        elif target in seen:
            errors[title] = _("Field {name} is already taken by column {other}.").format(name=_label(by_name.get(target), target),
                                                                                          other=seen[target])
        else:
            seen[target] = title
    for target in mapping.values:
        if target not in by_name:
            errors[f"value:{target}"] = _("Unknown field {name}, or you may not set it.").format(name=target)
        elif target in seen:
            errors[f"value:{target}"] = _("Field {name} is already taken by column {other}.").format(
                name=_label(by_name[target], target), other=seen[target])
    if not any(t != EXTERNAL_KEY for t in mapping.columns.values()):
        errors.setdefault("columns", _("Map at least one column to a field."))
    if mapping.key in composite:
        missing = [name for name in mapping.key.split("+") if name not in seen]
        if missing:
            errors["key"] = _("The key's fields must all be mapped columns: {names}.").format(names=", ".join(missing))
    elif mapping.key:
        if mapping.key not in seen:
            errors["key"] = _("The key must be one of the mapped columns.")
        elif mapping.key != EXTERNAL_KEY and not by_name[mapping.key].unique:
            errors["key"] = _("Field {name} is not unique, so it cannot identify a record.").format(
                name=_label(by_name[mapping.key], mapping.key))
    elif EXTERNAL_KEY in seen:
        errors["key"] = _("A column is mapped as the external key: choose it as the key too.")
    if mapping.unknown_user not in UNKNOWN_USER:
        errors["unknown_user"] = _("A user column naming nobody either rejects its row or makes you responsible: choose reject or me.")
    if errors:
        raise MappingError(errors)


def _label(spec: Field | None, name: str) -> str:
    """A field as the person reading the message knows it: its label in their language."""
    return spec.label_for(current_locale()) if spec is not None else name


# -- templates -----------------------------------------------------------------------


async def save_template(entity: str, name: str, mapping: Mapping, user_id) -> None:
    """Create or replace the template ``name`` of ``entity``."""
    from core.dataio.tables import MappingTemplate

    name = name.strip()
    if not name or len(name) > 200:
        raise MappingError({"name": _("Give the template a name of at most 200 characters.")})
    found = await MappingTemplate.objects().where((MappingTemplate.entity == entity) & (MappingTemplate.name == name)).first()
    if found:
        await MappingTemplate.update({MappingTemplate.columns: json.dumps(mapping.columns), MappingTemplate.key: mapping.key}).where(
            MappingTemplate.id == found.id)
        return
    await MappingTemplate.insert(MappingTemplate(entity=entity, name=name, columns=json.dumps(mapping.columns),
                                                 key=mapping.key, created_by=user_id))


async def list_templates(entity: str) -> list[dict]:
    from core.dataio.tables import MappingTemplate

    rows = await MappingTemplate.select(MappingTemplate.name, MappingTemplate.columns, MappingTemplate.key).where(
        MappingTemplate.entity == entity).order_by(MappingTemplate.name).output(load_json=True)
    return rows


async def load_template(entity: str, name: str) -> Mapping | None:
    for row in await list_templates(entity):
        if row["name"] == name:
            return Mapping.from_json({"columns": row["columns"], "key": row["key"]})
    return None

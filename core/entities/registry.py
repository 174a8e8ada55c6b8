"""The entity registry: every entity enabled plugins declare, by key.

Built once per app from the ``register_entities`` hook. Each declaration is
checked against its owner: the key starts with the plugin's name, the table
belongs to that plugin's Piccolo app, and every field names a real column
(custom fields are added at run time, see :meth:`EntityRegistry.with_custom`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Iterator

from core.entities.spec import SYSTEM_FIELDS, Entity, Field, label

SYSTEM_FIELD_SPECS = {
    "id": Field("id", "uuid", label("ID", "ID"), readonly=True),
    "created_at": Field("created_at", "datetime", label("Created", "Создано"), readonly=True),
    "updated_at": Field("updated_at", "datetime", label("Updated", "Изменено"), readonly=True),
    "created_by": Field("created_by", "uuid", label("Created by", "Автор"), readonly=True),
    "updated_by": Field("updated_by", "uuid", label("Updated by", "Изменил"), readonly=True),
    "version": Field("version", "integer", label("Version", "Версия"), readonly=True),
    "deleted_at": Field("deleted_at", "datetime", label("Deleted", "Удалено"), readonly=True),
}
OWNER_FIELD = Field("owner_id", "reference", label("Responsible", "Ответственный"), reference="core.user",
                    # headers an imported file gives the responsible user (core.dataio.mapping)
                    synonyms=("Ответственный менеджер", "Ответственный сотрудник", "Менеджер", "Куратор", "Owner",
                              "Manager", "Account manager", "Assigned to", "Responsible user", "Sales rep"))


class EntityError(ValueError):
    pass


class EntityRegistry(Mapping[str, Entity]):
    def __init__(self, entities: dict[str, Entity]):
        self._entities = entities

    def __getitem__(self, key: str) -> Entity:
        return self._entities[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entities)

    def __len__(self) -> int:
        return len(self._entities)

    @classmethod
    def build(cls, kernel) -> "EntityRegistry":
        from core.db.apps import app_config, app_module

        entities: dict[str, Entity] = {}
        for owner, declared in kernel.collect_by_plugin("register_entities"):
            for entity in kernel.features.gate(declared):
                if entity.plugin != owner:
                    raise EntityError(f"plugin {owner!r} declared entity {entity.key!r}; its keys start with '{owner}.'")
                if entity.key in entities:
                    raise EntityError(f"entity {entity.key!r} is declared twice")
                manifest = kernel.catalog.get(owner)
                module = app_module(manifest) if manifest else None
                tables = app_config(module).table_classes if module else []
                if entity.table not in tables:
                    raise EntityError(f"entity {entity.key!r}: table {entity.table.__name__} is not in {owner}'s Piccolo app")
                columns = {c._meta.name for c in entity.table._meta.columns}
                for f in entity.fields:
                    if f.name in SYSTEM_FIELDS:
                        raise EntityError(f"entity {entity.key!r}: {f.name!r} is a system field, declared by core")
                    if not f.custom and f.name not in columns:
                        raise EntityError(f"entity {entity.key!r}: field {f.name!r} has no column in {entity.table._meta.tablename}")
                entities[entity.key] = entity
        for entity in entities.values():
            for f in entity.fields:
                # core.user and core.team are core's own tables, not entities (pickers: core.entities.picker).
                if f.type == "reference" and f.reference not in entities and f.reference not in ("core.user", "core.team"):
                    raise EntityError(f"entity {entity.key!r}: field {f.name!r} refers to unknown entity {f.reference!r}")
            for rel in entity.relations:
                if rel.entity not in entities:
                    raise EntityError(f"entity {entity.key!r}: relation {rel.name!r} names unknown entity {rel.entity!r}")
        return cls(dict(sorted(entities.items())))


def all_fields(entity: Entity, custom: list[Field] = ()) -> list[Field]:
    """Declared fields, then the responsible user, then custom fields, then system fields."""
    fields = list(entity.fields)
    if entity.owner_field and not entity.field(entity.owner_field):
        fields.append(replace(OWNER_FIELD, name=entity.owner_field))
    fields += list(custom)
    fields += [SYSTEM_FIELD_SPECS[name] for name in SYSTEM_FIELDS]
    return fields

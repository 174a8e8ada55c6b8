"""What a record page shows, built from the entity's declaration and the hooks.

The header: the title, the key facts (``Entity.key_facts``, phones and
e-mails as ``tel:``/``mailto:`` links) and the primary actions plugins
contribute (``record_actions``). The body: the fields in the entity's
sections, empty ones set aside; the related lists with their counts; the
``record_panels`` and the timeline. The ids, version and authors go to a
collapsed "record details" block, where a person who needs them looks.
"""

from __future__ import annotations

import inspect
from urllib.parse import quote

from core.auth.tables import User
from core.entities.spec import SYSTEM_FIELDS, Entity, Section, label
from core.hooks.contributions import RecordAction
from core.permissions.errors import NotFound

DEFAULT_SECTION = Section("other", label("Details", "Подробности"), ())
RELATED_LIMIT = 50


def fact_link(field, value) -> str | None:
    """A phone calls, an e-mail writes: the link a key fact opens."""
    if not value:
        return None
    if field.type == "phone":
        return "tel:" + quote(str(value), safe="+;=-")
    if field.type == "email":
        return "mailto:" + quote(str(value), safe="@+.-_")
    return None


def key_facts(entity: Entity, fields: dict, row: dict, shown: dict) -> list[dict]:
    """The header's facts the user may read and that hold a value, in declared order."""
    facts = []
    for name in entity.default_key_facts():
        spec, cell = fields.get(name), shown["cells"].get(name)
        if spec is None or cell is None or not cell["text"]:
            continue
        facts.append({"field": spec, "text": cell["text"], "url": fact_link(spec, row.get(name)) or cell["url"]})
    return facts


def sections(entity: Entity, fields: list, shown: dict) -> list[dict]:
    """The readable fields grouped as the entity declares, then the rest in a default section.

    Each section lists its ``filled`` fields and, apart, its ``empty`` ones
    (the page offers those to fill in, collapsed, only to who may edit them).
    Sections with nothing to show are left out.
    """
    readable = {f.name: f for f in fields if f.name not in SYSTEM_FIELDS}
    placed: set[str] = set()
    groups = []
    for section in entity.sections:
        members = [readable[n] for n in section.fields if n in readable]
        placed.update(section.fields)
        groups.append((section, members))
    rest = [f for name, f in readable.items() if name not in placed]
    if rest:
        groups.append((DEFAULT_SECTION, rest))
    out = []
    for section, members in groups:
        filled = [f for f in members if shown["cells"][f.name]["text"]]
        empty = [f for f in members if not shown["cells"][f.name]["text"]]
        if filled or empty:
            out.append({"section": section, "filled": filled, "empty": empty})
    return out


async def record_actions(gate, record: dict) -> list[RecordAction]:
    """Every ``record_actions`` contribution the principal may use, by ``order`` then ``key``."""
    kernel, principal = gate.kernel, gate.principal
    actions: list[RecordAction] = []
    for result in kernel.hook.record_actions(kernel=kernel, entity=gate.entity, record=record, principal=principal):
        result = await result if inspect.isawaitable(result) else result
        actions.extend(result or [])
    usable = [a for a in actions
              if (a.permission is None or principal.can(a.permission)) and kernel.features.enabled(a.feature)]
    return sorted(usable, key=lambda a: (a.order, a.key))


async def record_details(gate, record: dict) -> dict:
    """Id, version, when and by whom (by name) the record was created and last changed."""
    fields = gate.fields
    authors = {str(record[n]) for n in ("created_by", "updated_by") if record.get(n)}
    names = {}
    if authors:
        rows = await User.select(User.id, User.name, User.email).where(User.id.is_in(list(authors)))
        names = {str(r["id"]): r["name"] or r["email"] for r in rows}
    items = []
    for name in ("id", "version", "created_at", "created_by", "updated_at", "updated_by"):
        if name not in fields or not gate.readable(name) or record.get(name) is None:
            continue
        value = record[name]
        if name in ("created_by", "updated_by"):
            value = names.get(str(value), "")
            if not value:
                continue
        items.append({"name": name, "field": fields[name], "value": value})
    return {"items": items}


async def related_lists(kernel, entity: Entity, record: dict, principal) -> list[dict]:
    """Each declared relation the user may read: up to 50 child rows and how many there are."""
    from core.entities.sql import Filter
    from core.entities.values import display_rows
    from core.permissions.gate import Gate, ListRequest

    related = []
    for rel in entity.relations:
        where = [Filter(rel.field, "eq", str(record["id"]))]
        try:
            child = await Gate.open(kernel, rel.entity, principal)
            page = await child.list(ListRequest(filters=where, limit=RELATED_LIMIT))
        except NotFound:
            continue  # the user may not read that entity: no list
        # A short page is its own count; only a full one asks the database.
        total = len(page.rows) if page.next_cursor is None and len(page.rows) < RELATED_LIMIT else await child.count(where)
        cols = [f for f in (child.fields.get(c) for c in child.entity.list_columns)
                if f and child.readable(f.name) and f.name != rel.field]
        writable = {f.name for f in child.readable_fields if child.principal.can_write_field(rel.entity, f.name)}
        related.append({"relation": rel, "entity": child.entity, "columns": cols, "total": total,
                        "can_create": child.principal.can(child.entity.permission("create")) and rel.field in writable,
                        "rows": await display_rows(child, page.rows, cols, principal)})
    return related

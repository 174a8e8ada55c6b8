"""A small world of rows every route's path parameters can be filled from."""

from __future__ import annotations

import re
import uuid

from core.auth.principals import principal_for_user
from core.auth.tables import User
from core.auth.tokens import create_token
from core.permissions.gate import Gate
from core.permissions.tables import RoleFieldRule
from core.testing.fixtures import ADMIN_EMAIL, custom_role

PARAM = re.compile(r"\{(\w+):(\w+)\}")
SKIP_PREFIXES = ("/static/", "/_litestar/")
# The text field a world's record is named in, where the entity's title is not text (a price's is its date).
TITLE = {"contacts.client": "name", "contacts.contact": "full_name", "sales.price": "note"}


def required_values(entity, records: dict) -> dict:
    """Values for an entity's required fields besides its title: a record made earlier for a
    reference (see :func:`in_reference_order`), a date, a number."""
    values = {}
    for f in entity.fields:
        if f.required and f.default is None and f.name != (TITLE.get(entity.key) or entity.title_field):
            if f.type == "reference" and f.reference in records:
                values[f.name] = str(records[f.reference])
            elif f.type == "date":
                values[f.name] = "2030-01-01"
            elif f.type in ("integer", "decimal", "money"):
                values[f.name] = "1"
    # A discount rule applies to every document: a world's rule is out of date at once, so
    # it discounts no other test's deal.
    return {**values, **OUT_OF_DATE.get(entity.key, {})}


OUT_OF_DATE = {"sales.discount_rule": {"valid_from": "2000-01-01", "valid_to": "2000-01-01"}}


def in_reference_order(entities: dict) -> list:
    """The entities, each after those its required references point to (a deal after its stage,
    the stage after its pipeline), so :func:`required_values` finds a record for each."""
    done: dict = {}

    def visit(key, path=()):
        if key in done or key not in entities:
            return
        if key in path:
            raise ValueError(f"required references form a cycle: {' -> '.join((*path, key))}")
        for f in entities[key].fields:
            if f.required and f.type == "reference" and f.reference != key:
                visit(f.reference, (*path, key))
        done[key] = entities[key]

    for key in entities:
        visit(key)
    return list(done.values())


async def build_world(kernel, make_user, suffix: str) -> dict:
    from core.auth import org

    other = await make_user(roles=["sales_manager"], team=f"W-team-{suffix}", department=f"W-dept-{suffix}")
    admin = await User.objects().where(User.email == ADMIN_EMAIL).first()
    system = await principal_for_user(admin.id, via="system")
    records, trashed = {}, {}
    for entity in in_reference_order(kernel.entities):
        key = entity.key
        title = TITLE.get(key) or entity.title_field
        gate = Gate(kernel, entity, system)
        extra = required_values(entity, records)
        records[key] = (await gate.create({title: f"W {key} {suffix}", **extra}))["id"]
        gone = await gate.create({title: f"W trashed {key} {suffix}", **extra})
        await gate.delete(gone["id"])
        trashed[key] = gone["id"]
    token, _ = await create_token(other.id, f"W token {suffix}")
    role = await custom_role({"contacts.client.read": "own"})
    rule = RoleFieldRule(role=role.id, entity="contacts.client", field="phone", access="readonly")
    await rule.save()
    field = f"w_{suffix}"
    from core.custom_fields.definitions import create_field

    await create_field("contacts.client", field, "text", "W field", kernel=kernel)
    return {
        "user": other, "records": records, "trashed": trashed, "token_id": token.id,
        "team_id": (await org.team_by_name(f"W-team-{suffix}")).id,
        "department_id": other.department, "key": role.key, "rule_id": rule.id, "field": field,
    }


def entity_of(kernel, path: str) -> str:
    for key, entity in kernel.entities.items():
        if path == entity.url or path.startswith(entity.url + "/"):
            return key
    return "contacts.client"


def fill(kernel, path: str, world: dict) -> str:
    key = entity_of(kernel, path)
    values = {}
    for name, _kind in PARAM.findall(path):
        if name in ("plugin", "name"):
            values["plugin"], values["name"] = key.split(".")
        elif name == "record_id":
            values[name] = world["trashed" if path.endswith("/restore") else "records"][key]
        elif name == "user_id":
            values[name] = world["user"].id
        elif name in ("interaction_id", "task_id") and f"contacts.{name[:-3]}" in world["records"]:
            values[name] = world["records"][f"contacts.{name[:-3]}"]
        elif name == "step_name":
            values[name] = "accept"  # a task's workflow step (contacts)
        elif name == "token":
            values[name] = "not-a-feed-token.ics"  # a calendar feed's secret (contacts)
        elif name in world:
            values[name] = world[name]
        elif name.endswith("_id"):
            # An id this world has no row for (a route added later, e.g. jobs):
            # a random one still proves the CSRF refusal, which comes before
            # any handler looks the id up. Teach build_world a real row for it.
            values[name] = uuid.uuid4()
        else:
            raise AssertionError(f"{path}: cannot fill {{{name}}}: teach tests/auth/world.py about it")
    return PARAM.sub(lambda m: str(values[m.group(1)]), path)


def routes(app, kernel, world: dict, methods: set[str]):
    """(method, url, handler opt) for every route answering one of ``methods``, ids filled from ``world``."""
    for route in app.routes:
        if route.path.startswith(SKIP_PREFIXES):
            continue
        for handler in route.route_handlers:
            for method in sorted(handler.http_methods & methods):
                yield method, fill(kernel, route.path, world), handler.opt

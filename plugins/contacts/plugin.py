"""Hook implementations of the contacts plugin."""

from core.hooks import hookimpl
from core.hooks.contributions import MenuItem
from core.permissions.declare import entity_permissions, role_grants
from core.web.overview import overview_controller
from plugins.contacts.tables import Client, Contact

NAME = "contacts"


@hookimpl
def register_routes(kernel):
    from plugins.contacts import wiring

    from plugins.contacts.dedupe import wiring as dedupe

    return [overview_controller(NAME, tables=[Client, Contact], permission="contacts.client.read"), *wiring.routes(kernel),
            *dedupe.routes(kernel)]


@hookimpl
def register_entities(kernel):
    from plugins.contacts.entities import ENTITIES

    return ENTITIES


@hookimpl
def register_permissions(kernel):
    return [
        *entity_permissions("contacts", "client"),
        *entity_permissions("contacts", "contact"),
        *entity_permissions("contacts", "link"),
        *entity_permissions("contacts", "interaction"),
        *entity_permissions("contacts", "task", feature="contacts.assignments"),
        *entity_permissions("contacts", "event", feature="contacts.significant_events"),
    ]


@hookimpl
def register_default_grants(kernel):
    # Sales see their team's clients and change their own; the head of sales the department.
    return [
        *role_grants("head_of_sales", NAME, **dict.fromkeys(
            ("read", "create", "write", "delete", "restore", "export", "import", "report", "assign"), "department")),
        *role_grants("sales_manager", NAME, read="team", create="own", write="own", delete="own",
                     restore="own", export="own", report="team"),
        *role_grants("marketer", NAME, read="all", export="all", report="all"),
        *role_grants("service_engineer", NAME, read="all"),
        *role_grants("read_only", NAME, read="all"),
        # Giving a task to a colleague sets its responsible user (the assignee).
        *role_grants("sales_manager", NAME, "task", assign="own", write="team"),
        *role_grants("marketer", NAME, "task", create="own", write="own", assign="own"),
        *role_grants("service_engineer", NAME, "task", create="own", write="own", assign="own"),
    ]


@hookimpl
def menu_items(kernel, request):
    from plugins.contacts import wiring
    from plugins.contacts.dedupe import wiring as dedupe

    return [
        # The plugin's entry opens its main list; its pages are sub-items (core/web/menu.py).
        MenuItem(
            key=NAME,
            label={"en": "Contacts", "ru": "Контакты"},
            url="/contacts/client/",
            order=10,
            permission="contacts.client.read",
        ),
        MenuItem(key="contacts_clients", label={"en": "Clients", "ru": "Клиенты"}, url="/contacts/client/",
                 order=10, permission="contacts.client.read", parent=NAME),
        MenuItem(key="contacts_contacts", label={"en": "Contact persons", "ru": "Контактные лица"}, url="/contacts/contact/",
                 order=10, permission="contacts.contact.read", parent=NAME),
        *wiring.menu(kernel),
        *dedupe.menu(kernel),
    ]


@hookimpl
def dashboard_widgets(kernel, request):
    from plugins.contacts.my_day import widgets

    return widgets(kernel)


@hookimpl
def entity_views(kernel, entity):
    from core.hooks.contributions import EntityView

    # The calendar shows interactions and tasks; the map, clients (core adds the list and board).
    calendar = EntityView("calendar", {"en": "Calendar", "ru": "Календарь"}, "/contacts/calendar/", order=20,
                          permission=entity.permission("read"), feature="contacts.calendar")
    if entity.key in ("contacts.interaction", "contacts.task"):
        return [calendar]
    if entity.key == "contacts.client":
        return [EntityView("map", {"en": "Map", "ru": "Карта"}, "/contacts/map/", order=30,
                           permission="contacts.client.read", feature="contacts.maps")]
    return []


@hookimpl
async def on_demo(kernel):
    from plugins.contacts.demo import load

    await load(kernel)


@hookimpl
def record_checks(kernel, entity, values, current):
    from plugins.contacts.cleaning import clean

    return clean(entity, values, current)


@hookimpl
async def record_panels(kernel, entity, record, principal):
    from plugins.contacts import wiring

    return await wiring.panels(kernel, entity, record, principal)


@hookimpl
def record_actions(kernel, entity, record, principal):
    from plugins.contacts.actions import record_actions as actions

    return actions(kernel, entity, record, principal)


@hookimpl
async def timeline_entries(kernel, entity, record, principal):
    from plugins.contacts import wiring

    return await wiring.timeline(kernel, entity, record, principal)


@hookimpl
def register_jobs(kernel):
    from plugins.contacts import wiring

    from plugins.contacts.dedupe import wiring as dedupe

    return [*wiring.jobs(kernel), *dedupe.jobs(kernel)]


@hookimpl
def register_cli_commands(kernel):
    from plugins.contacts.dedupe import wiring as dedupe

    return dedupe.cli_commands(kernel)


@hookimpl
async def merge_records(kernel, entity, survivor_id, merged_ids):
    from plugins.contacts.dedupe import wiring as dedupe

    return await dedupe.merge_records(kernel, entity, survivor_id, merged_ids)


@hookimpl
async def record_warnings(kernel, entity, values, principal):
    from plugins.contacts.dedupe import wiring as dedupe

    return await dedupe.record_warnings(kernel, entity, values, principal)


@hookimpl
def import_match_rules(kernel, entity):
    from plugins.contacts.dedupe import wiring as dedupe

    return dedupe.import_match_rules(entity)

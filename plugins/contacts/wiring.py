"""What the contacts plugin's own screens contribute to the hooks (plugin.py delegates here).

The duplicates work (``dedupe/``) wires itself separately, so each part
stays in its own modules and plugin.py only forwards.
"""

from __future__ import annotations

import inspect


def routes(kernel) -> list:
    from plugins.contacts.interactions import InteractionActions
    from plugins.contacts.calendar_view import CalendarScreens
    from plugins.contacts.events_screens import EventScreens
    from plugins.contacts.maps import MapScreens
    from plugins.contacts.quality import QualityScreens
    from plugins.contacts.sync_routes import FeedScreens, SyncScreens
    from plugins.contacts.tasks import TaskScreens

    return [InteractionActions, TaskScreens, CalendarScreens, FeedScreens, SyncScreens, QualityScreens, EventScreens, MapScreens]


async def panels(kernel, entity, record, principal) -> list:
    from plugins.contacts import card, interactions, tasks

    out = []
    for contributor in (card.panels, interactions.completion_panel, tasks.workflow_panel):
        result = contributor(kernel, entity, record, principal)
        out += (await result) if inspect.isawaitable(result) else result
    return out


async def timeline(kernel, entity, record, principal) -> list[dict]:
    from plugins.contacts import interactions

    return await interactions.timeline_entries(kernel, entity, record, principal)


def jobs(kernel) -> list:
    from core.hooks.contributions import JobKind, Schedule
    from plugins.contacts import maps, reminders

    kinds = [JobKind("contacts.reminders", reminders.run, max_attempts=1,
                     label={"en": "Reminders", "ru": "Напоминания"}),
             Schedule("contacts.reminders", "* * * * *")]
    if kernel.features.enabled("contacts.maps"):
        kinds.append(JobKind("contacts.geocode", maps.geocode_job, label={"en": "Coordinates by address", "ru": "Координаты по адресам"}))
    return kinds


def menu(kernel) -> list:
    from core.hooks.contributions import MenuItem

    # Sub-items of the Contacts entry (plugin.py); "Tasks" are assignments between people,
    # not background jobs (core's "Background jobs").
    return [
        MenuItem(key="contacts_calendar", label={"en": "Calendar", "ru": "Календарь"}, url="/contacts/calendar/",
                 order=11, permission="contacts.interaction.read", feature="contacts.calendar", parent="contacts"),
        MenuItem(key="contacts_events", label={"en": "Significant dates", "ru": "Значимые даты"}, url="/contacts/events/",
                 order=13, permission="contacts.event.read", feature="contacts.significant_events", parent="contacts"),
        MenuItem(key="contacts_map", label={"en": "Map", "ru": "Карта"}, url="/contacts/map/",
                 order=14, permission="contacts.client.read", feature="contacts.maps", parent="contacts"),
        MenuItem(key="contacts_quality", label={"en": "Completeness", "ru": "Полнота данных"}, url="/contacts/quality/",
                 order=15, permission="contacts.client.report", parent="contacts"),
        MenuItem(key="contacts_tasks", label={"en": "Tasks", "ru": "Задачи"}, url="/contacts/tasks/",
                 order=12, permission="contacts.task.read", feature="contacts.assignments", parent="contacts"),
    ]

"""Panels of the client card (the ``record_panels`` hook): what is open with this client.

Contact persons and the people linked from other companies are the card's
related lists (declared relations); the panels add the planned
interactions, the open assignments and the upcoming significant dates —
each read through the gate with the viewer's principal, each left out when
the edition or the viewer's rights leave nothing to show.
"""

from __future__ import annotations

from core.entities.spec import label
from core.i18n.timezones import today as local_today
from core.hooks.contributions import RecordPanel
from plugins.contacts import reading
from plugins.contacts.events import next_occurrence


def labelled(rows: list[dict], key: str, lang: str, *names: str) -> list[dict]:
    """Rows with ``<name>_label`` for their choice fields, in the viewer's language."""
    from plugins.contacts.entities import ENTITIES

    spec = next(e for e in ENTITIES if e.key == key)
    return [{**r, **{f"{n}_label": spec.field(n).choice_label(r.get(n) or "", lang) for n in names}} for r in rows]


async def panels(kernel, entity, record, principal) -> list[RecordPanel]:
    if entity.key not in ("contacts.client", "contacts.contact"):
        return []
    field = "client" if entity.key == "contacts.client" else "contact"
    rid = str(record["id"])
    lang = principal.language
    out = []
    planned = await reading.rows(kernel, "contacts.interaction", principal,
                                 [(field, "eq", rid), ("status", "eq", "planned")], ["starts_at"], limit=20)
    if planned:
        out.append(RecordPanel("contacts-planned", label("Planned interactions", "Запланированные взаимодействия"),
                               "contacts/panels/interactions.html", {"rows": labelled(planned, "contacts.interaction", lang, "kind")}, order=10))
    if entity.key == "contacts.client":
        tasks = await reading.rows(kernel, "contacts.task", principal,
                                   [("client", "eq", rid), ("status", "ne", "done")], ["deadline"], limit=20)
        if tasks:
            out.append(RecordPanel("contacts-tasks", label("Open tasks", "Открытые задачи"),
                                   "contacts/panels/tasks.html", {"rows": labelled(tasks, "contacts.task", lang, "status")}, order=20))
    events = await reading.rows(kernel, "contacts.event", principal, [(field, "eq", rid)], ["date"], limit=20)
    if events:
        today = local_today()
        dated = sorted(({**e, "next": next_occurrence(e, today)} for e in events), key=lambda e: (e["next"] is None, e["next"] or today))
        out.append(RecordPanel("contacts-events", label("Significant dates", "Значимые даты"),
                               "contacts/panels/events.html", {"rows": dated}, order=30))
    return out

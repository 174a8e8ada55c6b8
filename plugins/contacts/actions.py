"""The contacts plugin's primary actions on a record page (the ``record_actions`` hook).

On a client or a contact person: log a call (done), plan a meeting, give a
task. Each opens the quick-create dialog of an interaction or a task with
this record filled in (and, from a person, their company too); without
JavaScript the same links open the full "new" form, pre-filled the same way.
"""

from __future__ import annotations

from urllib.parse import urlencode

from core.entities.spec import label
from core.hooks.contributions import RecordAction

INTERACTION, TASK = "/contacts/interaction", "/contacts/task"


def record_actions(kernel, entity, record, principal) -> list[RecordAction]:
    if entity.key == "contacts.client":
        link = {"client": str(record["id"])}
    elif entity.key == "contacts.contact":
        link = {"contact": str(record["id"])}
        if record.get("client"):
            link["client"] = str(record["client"])
    else:
        return []

    def action(key, text, base, permission, order, icon, **values):
        query = urlencode({**link, **values})
        return RecordAction(f"contacts.{key}", text, url=f"{base}/new?{query}", quick=f"{base}/quick?{query}",
                            permission=permission, order=order, icon=icon)

    actions = [
        action("log_call", label("Log a call", "Записать звонок"), INTERACTION, "contacts.interaction.create", 10, "☎",
               kind="call", status="done"),
        action("plan_meeting", label("Plan a meeting", "Запланировать встречу"), INTERACTION, "contacts.interaction.create", 20, "◷",
               kind="meeting", status="planned"),
    ]
    if entity.key == "contacts.client":
        # A task names its assignee: the form offers the responsible user (set to the giver, to change)
        # only to who may assign; others give it to themselves, as the gate would anyway.
        extra = {"owner_id": str(principal.user_id)} if principal.can("contacts.task.assign") else {}
        task = action("give_task", label("Give a task", "Поставить задачу"), TASK, "contacts.task.create", 30, "✓", **extra)
        actions.append(RecordAction(task.key, task.label, task.url, task.quick, task.permission,
                                    feature="contacts.assignments", order=task.order, icon=task.icon))
    return actions

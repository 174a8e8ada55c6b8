"""Assignments (feature ``assignments``, Standard and up): given, accepted, done, returned, forwarded.

The author is ``created_by``; the assignee is the responsible user
(``owner_id``). The assignee accepts, completes (with a result) or forwards
to a colleague; the author returns a completed task for rework. Each step
goes through the query gate with the actor's rights and notifies the other
side. A task past its deadline and not done is overdue: flagged on the
lists and reminded by the reminder job.
"""

from __future__ import annotations

from datetime import datetime, timezone

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from core.auth.tables import User
from core.entities.spec import label
from core.hooks.contributions import RecordPanel
from core.i18n import N_, _
from core.permissions.errors import Conflict, Invalid, NotFound, Refused
from core.permissions.gate import Gate
from core.permissions.request import principal_of
from plugins.contacts import reading
from plugins.contacts.entities import TASK
from plugins.contacts.workflow import workflow_gate

KEY = "contacts.task"
FEATURE = "contacts.assignments"

# step -> (who may take it, statuses it starts from, status it leads to)
STEPS = {
    "accept": ("assignee", ("new", "returned"), "accepted"),
    "complete": ("assignee", ("new", "accepted", "returned"), "done"),
    "forward": ("assignee", ("new", "accepted", "returned"), "new"),
    "return": ("author", ("done",), "returned"),
}


def overdue(task: dict, now: datetime | None = None) -> bool:
    now = now or datetime.now(timezone.utc)
    return bool(task.get("deadline") and task.get("status") != "done" and task["deadline"] < now)


def allowed_steps(task: dict, principal) -> list[str]:
    me = principal.user_id
    roles = {"assignee": task.get("owner_id") == me, "author": task.get("created_by") == me}
    return [step for step, (who, start, _) in STEPS.items() if roles[who] and task.get("status") in start]


async def step(kernel, principal, task_id: str, name: str, comment: str = "", to_user: str | None = None) -> dict:
    """Take one workflow step; raises NotFound (not yours / no such task), Refused (not now) or Invalid.

    The checks, the write, its audit rows and the notifications are one
    transaction: a refused step changes nothing and notifies nobody."""
    from core.db.engine import write_transaction

    async with write_transaction():
        return await _step(kernel, principal, task_id, name, comment, to_user)


async def _step(kernel, principal, task_id: str, name: str, comment: str, to_user: str | None) -> dict:
    from core.notifications import notify
    from core.notifications.recipient import as_recipient

    gate = await workflow_gate(kernel, KEY, principal, ("status", "result"))
    task = await gate.get(task_id, action="write")
    if name not in STEPS or name not in allowed_steps(task, principal):
        raise Refused({"step": _("This step is not possible for this task now.")})
    data = {"status": STEPS[name][2]}
    if name in ("complete", "return") or comment:
        data["result"] = comment or None
    if name == "forward":
        if not to_user:
            raise Invalid({"owner_id": _("Choose who takes the task over.")})
        data["owner_id"] = to_user
    # Forwarded out of the actor's sight (another team), the gate still answers with the row written.
    row = await gate.update(task["id"], data, task["version"])
    url = f"/contacts/task/{row['id']}"
    who = principal.name or principal.email

    async def tell(user_id, title: str, body: str) -> None:
        # In the recipient's language, not the actor's: the message is translated inside.
        async with as_recipient(user_id, kernel.settings):
            await notify(user_id, _(title).format(who=who, title=row["title"]), body, url, kind="task")

    if name == "return":
        await tell(row["owner_id"], N_("Returned for rework: {title}"), comment)
    else:
        messages = {"accept": N_("{who} accepted: {title}"), "complete": N_("{who} completed: {title}"),
                    "forward": N_("{who} forwarded: {title}")}
        if task.get("created_by") and task["created_by"] != principal.user_id:
            await tell(task["created_by"], messages[name], comment)
        if name == "forward":
            await tell(row["owner_id"], N_("New assignment: {title}"), row.get("description") or "")
    return row


async def workflow_panel(kernel, entity, record, principal) -> list[RecordPanel]:
    if entity.key != KEY:
        return []
    steps = allowed_steps(record, principal)
    if not steps and not overdue(record):
        return []
    users = []
    if "forward" in steps:
        users = await User.select(User.id, User.name, User.email).where(User.is_active == True).order_by(User.name)  # noqa: E712
        users = [u for u in users if u["id"] != principal.user_id]
    return [RecordPanel("contacts-task-steps", label("Task", "Задача"), "contacts/tasks/steps_panel.html",
                        {"record": record, "steps": steps, "users": users, "overdue": overdue(record)}, order=5)]


class TaskScreens(Controller):
    path = "/contacts/tasks"
    opt = {"feature": FEATURE}

    @get("/", opt={"permission": "contacts.task.read"}, name="contacts:tasks-mine")
    async def mine(self, request: Request) -> Template:
        return await self._list(request, "mine")

    @get("/given", opt={"permission": "contacts.task.read"}, name="contacts:tasks-given")
    async def given(self, request: Request) -> Template:
        return await self._list(request, "given")

    async def _list(self, request: Request, view: str) -> Template:
        kernel = request.app.state.kernel
        principal = principal_of(request)
        me = str(principal.user_id)
        flt = [("owner_id", "eq", me)] if view == "mine" else [("created_by", "eq", me)]
        if request.query_params.get("open") != "0":
            flt.append(("status", "ne", "done"))
        rows = await reading.all_rows(kernel, KEY, principal, flt, ["deadline"], cap=1000)
        names = {str(u["id"]): u["name"] or u["email"] for u in await User.select(User.id, User.name, User.email)}
        now = datetime.now(timezone.utc)
        lang = principal.language
        shown = [{**r, "overdue": overdue(r, now), "status_label": TASK.field("status").choice_label(r["status"], lang),
                  "assignee": names.get(str(r.get("owner_id")), ""), "author": names.get(str(r.get("created_by")), "")} for r in rows]
        return Template("contacts/tasks/list.html", context={"rows": shown, "view": view,
                                                             "all": request.query_params.get("open") == "0"})

    @post("/{task_id:str}/{step_name:str}", opt={"permission": "contacts.task.write"}, name="contacts:task-step")
    async def take_step(self, request: Request, task_id: FromPath[str], step_name: FromPath[str]) -> Redirect | Template:
        form = await request.form()
        try:
            await step(request.app.state.kernel, principal_of(request), task_id, step_name,
                       (form.get("comment") or "").strip(), form.get("to_user") or None)
        except (Invalid, Refused) as exc:
            return Template("contacts/tasks/step_error.html", context={"task_id": task_id, "errors": exc.errors}, status_code=422)
        except Conflict:
            pass  # someone changed it meanwhile: the page shows the current state
        except NotFound:
            raise
        return Redirect(f"/contacts/task/{task_id}", status_code=303)

"""Interactions: on the client's (and the person's) timeline, and done -> plan the next.

Completing a planned interaction records its result and then asks for the
next one: the "next" form comes prefilled with the same client and contact
person, and the new interaction remembers the one it follows up.
"""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from core.entities.spec import label
from core.hooks.contributions import RecordPanel
from core.permissions.errors import Conflict, Invalid, Refused
from core.permissions.gate import Gate
from core.permissions.request import principal_of
from plugins.contacts import reading
from plugins.contacts.entities import INTERACTION
from plugins.contacts.workflow import local_datetime, workflow_gate

KEY = "contacts.interaction"


async def timeline_entries(kernel, entity, record, principal) -> list[dict]:
    """A client's or a person's interactions, as the viewer may see them."""
    field = {"contacts.client": "client", "contacts.contact": "contact"}.get(entity.key)
    if field is None:
        return []
    rows = await reading.all_rows(kernel, KEY, principal, [(field, "eq", str(record["id"]))], ["-starts_at"], cap=500)
    lang = principal.language
    out = []
    for r in rows:
        kind = INTERACTION.field("kind").choice_label(r.get("kind") or "", lang)
        status = INTERACTION.field("status").choice_label(r.get("status") or "", lang)
        text = f"{r.get('subject') or ''} ({status})"
        if r.get("result"):
            text += f" — {r['result']}"
        out.append({"at": r.get("starts_at") or r["created_at"], "kind": kind, "text": text,
                    "url": f"/contacts/interaction/{r['id']}", "actor_id": r.get("owner_id")})
    return out


async def completion_panel(kernel, entity, record, principal) -> list[RecordPanel]:
    """On a planned interaction's page: record the result, then plan the next one."""
    if entity.key != KEY or record.get("status") != "planned" or not principal.can(INTERACTION.permission("write")):
        return []
    return [RecordPanel("contacts-complete", label("Mark as done", "Отметить выполнение"),
                        "contacts/interactions/complete_panel.html", {"record": record}, order=5)]


class InteractionActions(Controller):
    path = "/contacts/interactions"

    @post("/{interaction_id:str}/complete", opt={"permission": "contacts.interaction.write"}, name="contacts:interaction-complete")
    async def complete(self, request: Request, interaction_id: FromPath[str]) -> Redirect | Template:
        kernel = request.app.state.kernel
        gate = await Gate.open(kernel, KEY, principal_of(request))
        form = await request.form()
        current = await gate.get(interaction_id, action="write")
        data = {"status": "done", "result": form.get("result") or None, "follow_up": form.get("follow_up") or None}
        try:
            sent = str(form.get("_version") or "")
            row = await gate.update(interaction_id, data, int(sent) if sent.isdigit() else current["version"])
        except (Invalid, Refused) as exc:
            return Template("contacts/interactions/complete_error.html", context={"record": current, "errors": exc.errors}, status_code=422)
        except Conflict:
            return Redirect(f"/contacts/interaction/{interaction_id}", status_code=303)
        return Redirect(f"/contacts/interactions/{row['id']}/next", status_code=303)

    @get("/{interaction_id:str}/next", opt={"permission": "contacts.interaction.create"}, name="contacts:interaction-next-form")
    async def next_form(self, request: Request, interaction_id: FromPath[str]) -> Template:
        gate = await Gate.open(request.app.state.kernel, KEY, principal_of(request))
        previous = await gate.get(interaction_id)
        return Template("contacts/interactions/next.html", context={"previous": previous, "errors": {}, "values": {
            "kind": previous.get("kind") or "call", "subject": previous.get("follow_up") or previous.get("subject") or ""}})

    @post("/{interaction_id:str}/next", opt={"permission": "contacts.interaction.create"}, name="contacts:interaction-next")
    async def plan_next(self, request: Request, interaction_id: FromPath[str]) -> Template | Redirect:
        kernel = request.app.state.kernel
        principal = principal_of(request)
        previous = await (await Gate.open(kernel, KEY, principal)).get(interaction_id)
        form = await request.form()
        values = {"subject": form.get("subject") or None, "kind": form.get("kind") or "call",
                  "starts_at": local_datetime(form.get("starts_at")), "remind_minutes": form.get("remind_minutes") or None}
        data = {**values, "status": "planned", "client": previous.get("client"), "contact": previous.get("contact"), "previous": previous["id"]}
        gate = await workflow_gate(kernel, KEY, principal, ("previous",))
        try:
            row = await gate.create({k: v for k, v in data.items() if v is not None})
        except (Invalid, Refused) as exc:
            return Template("contacts/interactions/next.html", context={"previous": previous, "errors": exc.errors, "values": values}, status_code=422)
        return Redirect(f"/contacts/interaction/{row['id']}", status_code=303)

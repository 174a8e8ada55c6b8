"""The command palette's actions: where the user can go and what they can start.

Actions are the visible menu items, "New <entity>" for every entity the user
may create, each entity's list and board, and the notifications page —
filtered by the words typed (every word must appear in the label).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.i18n import _
from core.permissions.request import principal_of
from core.web.menu import visible_menu

MAX_ACTIONS = 8


@dataclass(frozen=True)
class Action:
    label: str
    url: str
    hint: str = ""


def _lang(request) -> str:
    return getattr(principal_of(request), "language", "") or "en"


def all_actions(request) -> list[Action]:
    kernel, principal, lang = request.app.state.kernel, principal_of(request), _lang(request)
    out = [Action(item.label_for(lang), item.url, _("Go to")) for item in visible_menu(kernel, request)]
    for entity in kernel.entities.values():
        plural = entity.plural.get(lang) or entity.plural.get("en")
        single = entity.label.get(lang) or entity.label.get("en")
        if principal.can(entity.permission("create")):
            out.append(Action(_("New {entity}").format(entity=single.lower()), f"{entity.url}/new", _("Create")))
        if principal.can(entity.permission("read")):
            out.append(Action(plural, f"{entity.url}/", _("List")))
            if any(f.type == "choice" for f in entity.fields):
                out.append(Action(_("{entity}: board").format(entity=plural), f"{entity.url}/board", _("Board")))
    out.append(Action(_("Notifications"), "/notifications", _("Go to")))
    return out


def matching_actions(request, query: str) -> list[Action]:
    words = query.casefold().split()
    found = [a for a in all_actions(request) if all(w in a.label.casefold() for w in words)]
    return found[:MAX_ACTIONS]

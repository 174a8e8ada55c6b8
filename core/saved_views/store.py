"""Who sees, saves and removes saved views.

Permissions (feature ``core.saved_views``): ``core.saved_view.read`` to use
saved views at all, ``core.saved_view.write`` to save one's own,
``core.saved_view.share`` to make a view visible to everyone. A view is
checked against the saver's gate when saved; a shared view is offered to
another user only when their own gate accepts it (a view filtering on a field
they may not read is not shown to them rather than failing when opened).
"""

from __future__ import annotations

from datetime import datetime, timezone
from uuid import UUID

from core.entities.list_state import normalise_state
from core.i18n import _
from core.permissions.errors import GateError, NotFound, Refused
from core.saved_views.tables import SavedView

FEATURE = "core.saved_views"
READ, WRITE, SHARE = "core.saved_view.read", "core.saved_view.write", "core.saved_view.share"
MAX_NAME = 100


def enabled(kernel, principal) -> bool:
    return kernel.features.enabled(FEATURE) and principal.can(READ)


async def visible_views(g) -> list[dict]:
    """The user's own views of this entity, then the shared ones, each by name."""
    principal = g.principal
    if not enabled(g.kernel, principal):
        return []
    rows = await SavedView.select().where(SavedView.entity == g.entity.key).where(
        (SavedView.owner_id == principal.user_id) | (SavedView.shared == True)  # noqa: E712
    ).order_by(SavedView.name)
    out = []
    for row in rows:
        mine = row["owner_id"] == principal.user_id
        if not mine:
            try:
                await normalise_state(g, row["state"])
            except GateError:
                continue  # it filters on something this user may not read
        out.append({**row, "mine": mine, "can_delete": can_delete(principal, row)})
    return sorted(out, key=lambda r: (not r["mine"], r["name"].casefold()))


def can_delete(principal, row: dict) -> bool:
    if row["owner_id"] == principal.user_id:
        return principal.can(WRITE)
    # Someone else's shared view: only who may share for everybody tidies them up.
    return bool(row["shared"]) and principal.scope(SHARE) == "all"


async def save_view(g, name: str, state: str, shared: bool) -> dict:
    principal = g.principal
    if not enabled(g.kernel, principal) or not principal.can(WRITE):
        raise NotFound("saved view")
    errors = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = _("give the view a name")
    elif len(name) > MAX_NAME:
        errors["name"] = _("at most {n} characters").format(n=MAX_NAME)
    if shared and not principal.can(SHARE):
        errors["shared"] = _("you may not share views")
    if errors:
        raise Refused(errors)
    state = await normalise_state(g, state)
    taken = await SavedView.exists().where(SavedView.owner_id == principal.user_id).where(
        SavedView.entity == g.entity.key).where(SavedView.name == name)
    if taken:
        raise Refused({"name": _("you already have a view with this name")})
    now = datetime.now(timezone.utc)
    row = SavedView(owner_id=principal.user_id, entity=g.entity.key, name=name, state=state, shared=shared,
                    created_at=now, updated_at=now)
    await row.save()
    return row.to_dict()


async def delete_view(kernel, principal, view_id: str) -> dict:
    """Delete a view the user may delete; anything else is the same 404 as a missing one."""
    try:
        uid = UUID(str(view_id))
    except ValueError:
        raise NotFound("saved view") from None
    if not enabled(kernel, principal):
        raise NotFound("saved view")
    row = await SavedView.select().where(SavedView.id == uid).first()
    if row is None or not (row["owner_id"] == principal.user_id or row["shared"]) or not can_delete(principal, row):
        raise NotFound("saved view")
    await SavedView.delete().where(SavedView.id == uid)
    return row

"""What the entity pages say after an action: "Saved", "Deleted — Undo", "3 records deleted".

Each message goes to the next page through :func:`core.web.flash.flash`.
Texts name records by their title, never by id; a record the user may not
read (a bulk selection can hold one) is "a record that is not available".
"""

from __future__ import annotations

from urllib.parse import urlsplit

from core.i18n import _, label, ngettext
from core.web.flash import flash

MAX_DETAILS = 10


def title_of(entity, row: dict) -> str:
    return str(row.get(entity.title_field) or label(entity.label))


async def saved(request, entity, row: dict, *, created: bool) -> None:
    text = _("Created: %(title)s") if created else _("Changes saved: %(title)s")
    await flash(request, text % {"title": title_of(entity, row)})


async def deleted(request, gate, row: dict) -> None:
    """The record went to the trash; who may restore it gets an "Undo" button (a POST to restore)."""
    entity = gate.entity
    undo = gate.principal.can(entity.permission("restore"))
    await flash(request, _("Moved to the trash: %(title)s") % {"title": title_of(entity, row)},
                action_url=f"{entity.url}/{row['id']}/restore" if undo else "", action_label=_("Undo") if undo else "")


async def restored(request, entity, row: dict) -> None:
    await flash(request, _("Restored: %(title)s") % {"title": title_of(entity, row)})


async def bulk_done(request, gate, result) -> None:
    n = result.done
    if result.action == "delete":
        text = ngettext("%(num)d record moved to the trash.", "%(num)d records moved to the trash.", n)
    elif result.action == "assign":
        text = ngettext("%(num)d record assigned.", "%(num)d records assigned.", n)
    else:
        text = ngettext("%(num)d record changed.", "%(num)d records changed.", n)
    text = text % {"num": n}
    details = await failures(gate, result.failed) if result.failed else []
    if details:
        left = len(result.failed)
        text += " " + ngettext("%(num)d was not changed:", "%(num)d were not changed:", left) % {"num": left}
    await flash(request, text, level="warning" if details else "success", details=details[:MAX_DETAILS])


async def titles(gate, ids: list[str]) -> dict[str, str]:
    """id -> title of those of ``ids`` the user may read (one query through the gate)."""
    from core.entities.sql import Filter
    from core.permissions.gate import ListRequest

    ids = list(dict.fromkeys(i for i in ids if _is_uuid(i)))
    if not ids or not gate.readable(gate.entity.title_field):
        return {}
    page = await gate.list(ListRequest(filters=[Filter("id", "in", ids)], limit=len(ids)))
    return {str(r["id"]): title_of(gate.entity, r) for r in page.rows}


async def failures(gate, failed: dict[str, str]) -> list[str]:
    """"<title>: <reason>" for each record a bulk action left alone, by title where the user may read it."""
    known = await titles(gate, list(failed))
    missing = _("a record that is not available")
    return [f"{known.get(i, missing)}: {reason}" for i, reason in failed.items()]


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def list_url(request, entity, back: str = "") -> str:
    """Back to the list the user came from, its filters kept: ``back`` (a form's ``_back``) or
    the Referer, when either is that entity's list on this site; else the plain list."""
    base = f"{entity.url}/"
    for candidate in (back, request.headers.get("referer", "")):
        parts = urlsplit(candidate or "")
        if parts.path == base and (not parts.netloc or parts.netloc == request.headers.get("host", "")):
            return base + (f"?{parts.query}" if parts.query else "")
    return base

"""Who may be made responsible for a record: the assign permission, defined once.

``<plugin>.<entity>.assign`` at some scope lets a principal change the
responsible user (``owner_field``) of the records that scope reaches — with
``own``, of their own records. The new responsible user may be **any active
user**: giving a task to a colleague of another team is the point of it.
Creating a record with someone else as responsible is creating it as one's
own and giving it away at once: the create and assign scopes are judged on
the record as its creator holds it, so ``assign = own`` is enough to create a
task for any active colleague (the stock sales manager's case). Without the
assign permission one may only name oneself.

The query gate enforces this on every write (:mod:`core.permissions.gate`);
the record UI's user picker asks :func:`assignable_users`, so it never
offers a choice the gate would refuse.
"""

from __future__ import annotations

from typing import Any

from core.entities.ids import as_uuid
from core.permissions.principal import Principal

MAX_USERS = 50


async def is_deactivated_user(user_id: Any) -> bool:
    """A user account that exists and is switched off: never made responsible for anything.

    (An id no account has is not refused here: ``owner_id`` has no foreign key,
    and tests and imports have long stored owners before their accounts.)"""
    from core.auth.tables import User

    uid = as_uuid(user_id)
    return uid is not None and await User.exists().where((User.id == uid) & (User.is_active == False))  # noqa: E712


async def assignable_users(principal: Principal, entity_key: str, q: str = "", limit: int = 20, *,
                           creating: bool = False) -> list[dict]:
    """The users ``principal`` may set as responsible on records of ``entity_key``:
    ``[{"id": UUID, "name": str, "email": str}]``, by name, at most ``limit`` (≤ 50).

    Active users whose name or e-mail contains ``q`` (case-insensitive), if the
    principal holds the entity's assign permission at any scope; none otherwise.
    Which *records* they may reassign is the gate's business (the assign scope).
    ``creating=True``: for a record not stored yet, which the creator holds as
    their own until it is given away — everyone, if the assign scope reaches the
    creator's own records, else nobody.
    """
    from core.auth.tables import User

    permission = f"{entity_key}.assign"
    if not principal.can(permission) or (creating and not principal.reaches(permission, principal.user_id)):
        return []
    limit = max(1, min(int(limit), MAX_USERS))
    query = User.select(User.id, User.name, User.email).where(User.is_active == True)  # noqa: E712
    text = (q or "").strip().casefold()
    # Users are few (hundreds): matched in Python, with Unicode case folding
    # the same on both engines (SQLite's LIKE folds ASCII only).
    rows = await query.order_by(User.name).order_by(User.email)
    out = []
    for row in rows:
        if text and text not in (row["name"] or "").casefold() and text not in (row["email"] or "").casefold():
            continue
        out.append({"id": row["id"], "name": row["name"] or row["email"], "email": row["email"]})
        if len(out) >= limit:
            break
    return out

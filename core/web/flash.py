"""Flash messages: "Saved", "Deleted — Undo", "3 records deleted" on the next page.

An action that redirects (save, delete, bulk, import) calls :func:`flash`;
the message is stored server-side in ``core_flash`` under the session's id
and the shell's layout shows it on the next full page, in a status region
(``flash_messages(request)`` in the template), then it is gone. A message may
carry one action — a button that POSTs (with the CSRF token) to a local URL,
such as "Undo" restoring a deleted record through its gate-checked route.

Nothing lives in process memory, so several workers share the messages. To
spare every page a query, a cookie with no content (``klientela_flash=1``)
marks a session that has messages waiting; the middleware reads the table
only then, deletes the messages a page actually showed (a redirect or an
htmx fragment shows none, so they wait for the next full page) and clears
the mark once nothing is left (core/web/flash_middleware.py). API token requests have no session: nothing
is stored for them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from piccolo.columns import UUID, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.auth.common import utcnow
from core.entities.base import new_id

log = logging.getLogger("klientela")
COOKIE = "klientela_flash"
LEVELS = ("success", "info", "warning")
KEEP = timedelta(hours=1)  # an unseen message older than this is dropped
MAX_SHOWN = 5
# Keys in the request's scope state (core/web/flash_middleware.py reads them).
LOADED, SHOWN, ADDED = "flash_loaded", "flash_shown", "flash_added"


class Flash(Table, tablename="core_flash"):
    """One message waiting for the next page of a session (``session_id`` = core_session.id)."""

    id = UUID(primary_key=True, default=new_id)
    session_id = Varchar(length=64, index=True)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    level = Varchar(length=16, default="success")
    text = Text(default="")
    details = Text(default="")  # further lines, one per line (a bulk action's refusals)
    action_url = Varchar(length=500, default="")  # a local URL the action button POSTs to
    action_label = Varchar(length=100, default="")


@dataclass(frozen=True)
class Message:
    id: str
    level: str
    text: str
    details: tuple[str, ...] = ()
    action_url: str = ""
    action_label: str = ""


async def flash(request, text: str, *, level: str = "success", details: list[str] | tuple = (),
                action_url: str = "", action_label: str = "") -> None:
    """Keep ``text`` (already translated) for the session's next full page."""
    session = request.scope.get("state", {}).get("session")
    if session is None:
        return  # an API token or an anonymous request: no page will follow
    if level not in LEVELS:
        raise ValueError(f"flash level must be one of {', '.join(LEVELS)}")
    if action_url and not (action_url.startswith("/") and not action_url.startswith("//")):
        raise ValueError("a flash action posts to a local URL")
    try:
        await Flash.delete().where(Flash.created_at < utcnow() - KEEP)
        await Flash.insert(Flash(session_id=session["id"], level=level, text=text[:2000],
                                 details="\n".join(str(d) for d in details)[:4000],
                                 action_url=action_url[:500], action_label=action_label[:100]))
    except Exception:  # the action itself is done and saved: a lost message must not turn it into an error page
        log.warning("flash message not stored", exc_info=True)
        return
    request.scope["state"][ADDED] = True


def flash_messages(request) -> list[Message]:
    """The messages for this page (the layout calls it once); they count as shown."""
    state = request.scope.get("state", {})
    loaded = state.get(LOADED) or []
    state[SHOWN] = [m.id for m in loaded]
    return loaded


async def waiting(session_id: str) -> list[Message]:
    rows = await (Flash.select().where((Flash.session_id == session_id) & (Flash.created_at >= utcnow() - KEEP))
                  .order_by(Flash.created_at).limit(MAX_SHOWN))
    return [Message(str(r["id"]), r["level"], r["text"], tuple(d for d in r["details"].split("\n") if d),
                    r["action_url"], r["action_label"]) for r in rows]

"""Hook implementations of the notes plugin.

Everything here goes through Klientela's public API, ``core.sdk`` (hooks, what
they return, the entity declaration, permissions), plus the tables of the
contacts plugin this one depends on.
"""

from __future__ import annotations

import uuid

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from core.sdk import Entity, Field, MenuItem, entity_permissions, hookimpl, label, role_grants
from klientela_notes.tables import TITLE_MAX, Note
from plugins.contacts.tables import Client

NAME = "notes"
PINNING = "notes.pinning"
READ = "notes.note.read"
CREATE = "notes.note.create"
BODY_MAX = 10_000
LIST_LIMIT = 200

# The main path: declare the entity, and core gives it a list with search and
# filters, a record page with its history, forms, the trash, a REST API at
# /api/notes/note, the global search and exports — all through the query gate.
# The page at /notes/ below is the plugin's start page.
NOTE = Entity(
    key="notes.note",
    table=Note,
    label=label("Note", "Заметка"),
    plural=label("Notes", "Заметки"),
    fields=(
        Field("title", "text", label("Title", "Заголовок"), required=True, max_length=TITLE_MAX),
        Field("body", "long_text", label("Text", "Текст"), max_length=BODY_MAX),
        Field("pinned", "boolean", label("Pinned", "Закреплена")),
        Field("client", "reference", label("Client", "Клиент"), reference="contacts.client"),
    ),
    list_columns=("title", "client", "pinned", "created_at"),
    search_fields=("title", "body"),
    order=("-created_at",),
    title_field="title",
)


# --- queries ---------------------------------------------------------------


async def _notes(pinned_only: bool = False) -> list[dict]:
    """Live notes (not in the trash), newest first (ids are time-ordered UUIDv7)."""
    query = Note.select(
        Note.id,
        Note.title,
        Note.body,
        Note.pinned,
        Note.created_at,
        Note.client.name.as_alias("client_name"),
    ).where(Note.deleted_at.is_null())
    if pinned_only:
        query = query.where(Note.pinned.eq(True))
    return await query.order_by(Note.created_at, Note.id, ascending=False).limit(LIST_LIMIT)


async def _clients() -> list[dict]:
    return await (
        Client.select(Client.id, Client.name)
        .where(Client.deleted_at.is_null())
        .order_by(Client.name)
        .limit(500)
    )


# --- form ------------------------------------------------------------------


def _validate(form) -> tuple[dict[str, str], dict[str, str]]:
    """The values as typed (to re-render) and the per-field errors."""
    values = {
        "title": form.get("title", "") or "",
        "body": form.get("body", "") or "",
        "client": form.get("client", "") or "",
        "pinned": "on" if form.get("pinned") else "",
    }
    errors: dict[str, str] = {}
    title = values["title"].strip()
    if not title:
        errors["title"] = "Title is required."
    elif len(title) > TITLE_MAX:
        errors["title"] = f"Title must be at most {TITLE_MAX} characters (it has {len(title)})."
    if len(values["body"]) > BODY_MAX:
        errors["body"] = f"Text must be at most {BODY_MAX} characters (it has {len(values['body'])})."
    if values["client"]:
        try:
            uuid.UUID(values["client"])
        except ValueError:
            errors["client"] = "Choose a client from the list."
    return values, errors


async def _page(request: Request, *, pinned_only: bool = False, values=None, errors=None, status: int = 200) -> Template:
    kernel = request.app.state.kernel
    return Template(
        template_name="notes/list.html",
        context={
            "notes": await _notes(pinned_only),
            "clients": await _clients(),
            "pinned_only": pinned_only,
            "pinning": kernel.features.enabled(PINNING),
            "values": values or {"title": "", "body": "", "client": "", "pinned": ""},
            "errors": errors or {},
            "title_max": TITLE_MAX,
        },
        status_code=status,
    )


class NotesController(Controller):
    path = f"/{NAME}"

    @get("/", name="notes:list", opt={"permission": READ})
    async def list_notes(self, request: Request) -> Template:
        return await _page(request)

    @post("/", name="notes:create", opt={"permission": CREATE}, status_code=303)
    async def create_note(self, request: Request) -> Template | Redirect:
        kernel = request.app.state.kernel
        values, errors = _validate(await request.form())
        client_id = uuid.UUID(values["client"]) if values["client"] and "client" not in errors else None
        if client_id is not None and not await Client.exists().where(
            (Client.id == client_id) & Client.deleted_at.is_null()
        ):
            errors["client"] = "That client does not exist (any more); choose another."
        if errors:
            return await _page(request, values=values, errors=errors, status=400)
        await Note.insert(
            Note(
                title=values["title"].strip(),
                body=values["body"],
                client=client_id,
                # Without the pinning feature there is no way to pin a note.
                pinned=bool(values["pinned"]) and kernel.features.enabled(PINNING),
            )
        )
        return Redirect(path=f"/{NAME}/", status_code=303)


# Core leaves out of the app every *top-level* handler or controller whose
# feature is off; it does not look inside a controller. So the feature-gated
# page is its own handler, under the plugin's prefix.
@get(f"/{NAME}/pinned", name="notes:pinned", opt={"permission": READ, "feature": PINNING})
async def pinned_notes(request: Request) -> Template:
    return await _page(request, pinned_only=True)


# --- hooks -----------------------------------------------------------------


@hookimpl
def register_routes(kernel):
    return [NotesController, pinned_notes]


@hookimpl
def register_entities(kernel):
    return [NOTE]


@hookimpl
def register_permissions(kernel):
    return entity_permissions(NAME, "note")


@hookimpl
def register_default_grants(kernel):
    # The administrator has everything; sales managers keep their own notes and read the team's.
    return [
        *role_grants("sales_manager", NAME, read="team", create="own", write="own", delete="own", restore="own"),
        *role_grants("read_only", NAME, read="all"),
    ]


@hookimpl
def menu_items(kernel, request):
    return [
        MenuItem(
            key=NAME,
            label={"en": "Notes", "ru": "Заметки"},
            url=f"/{NAME}/",  # the start page; the entity's list is /notes/note/
            order=60,
            permission=READ,
        )
    ]


def count_label(count: int, lang: str = "en") -> str:
    """``1 note``, ``3 notes``; in Russian with its three plural forms."""
    if lang == "ru":
        tail, last = count % 100, count % 10
        if last == 1 and tail != 11:
            word = "заметка"
        elif 2 <= last <= 4 and not 12 <= tail <= 14:
            word = "заметки"
        else:
            word = "заметок"
        return f"{count} {word}"
    return f"{count} {'note' if count == 1 else 'notes'}"


@hookimpl
def register_template_globals(kernel):
    return {"notes_count_label": count_label}


DEMO_NOTES = (
    {"title": "Call back about the spring order", "body": "They asked for a quote on 40 units.", "pinned": True},
    {"title": "Уточнить реквизиты для договора", "body": "Бухгалтерия ждёт новый ИНН.", "pinned": False},
)


@hookimpl
async def on_demo(kernel):
    """Two sample notes; a note whose title is already there is not added again."""
    first_client = await Client.select(Client.id).where(Client.deleted_at.is_null()).order_by(Client.name).first()
    for sample in DEMO_NOTES:
        if await Note.exists().where(Note.title == sample["title"]):
            continue
        await Note.insert(Note(**sample, client=first_client["id"] if first_client else None))

"""Tables of the notes plugin (names prefixed ``notes_``).

``Client`` comes from the contacts plugin, which ``plugin.toml`` depends on:
a dependency's tables are part of its public API.
"""

from piccolo.columns import Boolean, ForeignKey, Text, Varchar

from core.sdk import EntityTable
from plugins.contacts.tables import Client

TITLE_MAX = 200


class Note(EntityTable, tablename="notes_note"):
    title = Varchar(length=TITLE_MAX)
    body = Text(default="")
    pinned = Boolean(default=False)
    client = ForeignKey(references=Client, null=True)

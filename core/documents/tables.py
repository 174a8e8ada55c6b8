"""Document templates (app ``core_documents``).

One row per template: the entity it prints, its label, the format its file
proves (docx or odt), where the file lives under the data directory, and a
version that grows each time an administrator replaces the file (the old
file is removed once the new one is committed).
"""

from piccolo.columns import UUID, Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.entities.base import new_id


class DocumentTemplate(Table, tablename="core_document_template"):
    id = UUID(primary_key=True, default=new_id)
    entity = Varchar(length=80, index=True)
    name = Varchar(length=200)
    description = Text(default="")
    format = Varchar(length=8)  # "docx" or "odt": what the content proved, not the name
    # The language amounts in words and dates are written in ("ru" or "en"),
    # and the currency amounts are named in ("RUB", "USD", "EUR").
    language = Varchar(length=8, default="ru")
    currency = Varchar(length=3, default="RUB")
    file_path = Text()  # relative to the instance's data directory
    file_name = Varchar(length=300)  # the uploaded name, cleaned (core.uploads)
    file_size = Integer(default=0)
    file_sha = Varchar(length=64, default="")
    version = Integer(default=1)
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    created_by = UUID(null=True, default=None)
    updated_by = UUID(null=True, default=None)

"""Tables of the service plugin (names prefixed ``service_``)."""

from piccolo.columns import Varchar

from core.entities.base import EntityTable


class Request(EntityTable, tablename="service_request"):
    subject = Varchar(length=300)
    state = Varchar(length=32, default="new")
    importance = Varchar(length=16, default="normal")

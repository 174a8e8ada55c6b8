"""Tables of the marketing plugin (names prefixed ``marketing_``)."""

from piccolo.columns import Date, Varchar

from core.entities.base import EntityTable


class Campaign(EntityTable, tablename="marketing_campaign"):
    name = Varchar(length=300)
    starts_on = Date(null=True, default=None)
    ends_on = Date(null=True, default=None)

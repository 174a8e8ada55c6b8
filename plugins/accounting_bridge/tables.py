"""Tables of the accounting_bridge plugin (names prefixed ``accounting_bridge_``)."""

from piccolo.columns import Integer, Varchar

from core.entities.base import EntityTable


class Peer(EntityTable, tablename="accounting_bridge_peer"):
    name = Varchar(length=200)
    kind = Varchar(length=32, default="beancount")
    last_sent = Integer(default=0)
    last_received = Integer(default=0)

"""Tables of the contacts plugin (names prefixed ``contacts_``)."""

from piccolo.columns import ForeignKey, Varchar

from core.entities.base import EntityTable


class Client(EntityTable, tablename="contacts_client"):
    name = Varchar(length=300)
    kind = Varchar(length=16, default="company")  # company | person
    inn = Varchar(length=12, default="")
    email = Varchar(length=254, default="")
    phone = Varchar(length=32, default="")


class Contact(EntityTable, tablename="contacts_contact"):
    full_name = Varchar(length=300)
    client = ForeignKey(references=Client, null=True)
    position = Varchar(length=200, default="")
    email = Varchar(length=254, default="")
    phone = Varchar(length=32, default="")

"""The entities of the contacts plugin: clients (companies and people) and contact persons."""

from core.entities.spec import Choice, Entity, Field, Relation, label
from plugins.contacts.tables import Client, Contact

CLIENT_KINDS = (
    Choice("company", label("Company", "Компания")),
    Choice("person", label("Person", "Частное лицо")),
)

CLIENT = Entity(
    key="contacts.client",
    table=Client,
    label=label("Client", "Клиент"),
    plural=label("Clients", "Клиенты"),
    fields=(
        Field("name", "text", label("Name", "Наименование"), required=True, max_length=300),
        Field("kind", "choice", label("Type", "Вид"), choices=CLIENT_KINDS, default="company", required=True),
        Field("inn", "text", label("Tax ID (INN)", "ИНН"), max_length=12, pattern=r"[0-9]{10}|[0-9]{12}"),
        Field("email", "email", label("Email", "Эл. почта"), max_length=254),
        Field("phone", "phone", label("Phone", "Телефон"), max_length=32),
    ),
    list_columns=("name", "kind", "inn", "phone", "email", "owner_id"),
    search_fields=("name", "inn", "email", "phone"),
    order=("name",),
    relations=(Relation("contacts", "contacts.contact", "client", label("Contact persons", "Контактные лица")),),
    title_field="name",
)

CONTACT = Entity(
    key="contacts.contact",
    table=Contact,
    label=label("Contact person", "Контактное лицо"),
    plural=label("Contact persons", "Контактные лица"),
    fields=(
        Field("full_name", "text", label("Full name", "ФИО"), required=True, max_length=300),
        Field("client", "reference", label("Client", "Клиент"), reference="contacts.client"),
        Field("position", "text", label("Position", "Должность"), max_length=200),
        Field("email", "email", label("Email", "Эл. почта"), max_length=254),
        Field("phone", "phone", label("Phone", "Телефон"), max_length=32),
    ),
    list_columns=("full_name", "client", "position", "phone", "email"),
    search_fields=("full_name", "email", "phone"),
    order=("full_name",),
    title_field="full_name",
)

ENTITIES = [CLIENT, CONTACT]

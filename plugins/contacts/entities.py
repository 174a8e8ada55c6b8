"""The entities of the contacts plugin.

Clients (companies and people) with contact persons, the links of a person
to further companies, interactions, assignments (feature ``assignments``) and
significant events (feature ``significant_events``). Core derives lists,
record pages, forms and the REST API from these declarations; the
plugin's own screens (card panels, calendar, tasks, report) read through the
same gate.
"""

from core.entities.spec import Choice, Entity, Field, Relation, Section, label
from plugins.contacts import headers
from plugins.contacts.headers import with_synonyms
from plugins.contacts.tables import Client, Contact, ContactLink, Event, Interaction, Task


def choices(*items: tuple[str, str, str]) -> tuple[Choice, ...]:
    return tuple(Choice(value, label(en, ru)) for value, en, ru in items)


CLIENT_KINDS = choices(("company", "Company", "Компания"), ("person", "Person", "Частное лицо"))
CLIENT_TYPES = choices(
    ("customer", "Customer", "Покупатель"), ("partner", "Partner", "Партнёр"), ("supplier", "Supplier", "Поставщик"),
    ("competitor", "Competitor", "Конкурент"), ("other", "Other", "Прочее"),
)
IMPORTANCE = choices(("high", "High (A)", "Высокая (A)"), ("medium", "Medium (B)", "Средняя (B)"), ("low", "Low (C)", "Низкая (C)"))
STAGES = choices(
    ("potential", "Potential", "Потенциальный"), ("one_time", "One-time", "Разовый"),
    ("regular", "Regular", "Постоянный"), ("lost", "Lost", "Потерянный"),
)
CONTACT_ROLES = choices(
    ("decision_maker", "Decision maker", "ЛПР"), ("influencer", "Influencer", "Влияет на решение"),
    ("user", "User", "Пользователь"), ("accountant", "Accountant", "Бухгалтер"),
    ("technical", "Technical contact", "Технический специалист"), ("other", "Other", "Прочее"),
)
INTERACTION_KINDS = choices(
    ("call", "Call", "Звонок"), ("meeting", "Meeting", "Встреча"), ("letter", "Letter", "Письмо"),
    ("email", "Email", "Эл. письмо"), ("note", "Note", "Заметка"),
)
INTERACTION_STATUSES = choices(("planned", "Planned", "Запланировано"), ("done", "Done", "Выполнено"), ("cancelled", "Cancelled", "Отменено"))
TASK_STATUSES = choices(
    ("new", "New", "Новое"), ("accepted", "Accepted", "Принято"),
    ("returned", "Returned for rework", "Возвращено на доработку"), ("done", "Done", "Выполнено"),
)
EVENT_KINDS = choices(
    ("birthday", "Birthday", "День рождения"), ("anniversary", "Anniversary", "Годовщина"),
    ("founding", "Founding date", "День основания"), ("other", "Other key date", "Другая памятная дата"),
)

PHONES_HELP = label("Further phones", "Другие телефоны")
EMAILS_HELP = label("Further emails", "Другие эл. адреса")

CLIENT = Entity(
    key="contacts.client",
    table=Client,
    label=label("Client", "Клиент"),
    plural=label("Clients", "Клиенты"),
    fields=with_synonyms((
        Field("name", "text", label("Name", "Наименование"), required=True, max_length=300),
        Field("kind", "choice", label("Company or person", "Вид"), choices=CLIENT_KINDS, default="company", required=True, indexed=True),
        Field("client_type", "choice", label("Type", "Тип"), choices=CLIENT_TYPES, default="customer"),
        Field("industry", "text", label("Industry", "Отрасль"), max_length=200),
        Field("region", "text", label("Region", "Регион"), max_length=200),
        Field("source", "text", label("Source", "Источник"), max_length=200),
        Field("importance", "choice", label("Importance", "Важность"), choices=IMPORTANCE),
        Field("stage", "choice", label("Relationship stage", "Стадия отношений"), choices=STAGES, default="potential", indexed=True),
        Field("country", "text", label("Country (ISO code)", "Страна (код ISO)"), max_length=2, pattern=r"[A-Za-z]{2}", default="RU"),
        # Indexed: an import matches rows to clients by tax id, phone and e-mail (import_match_rules).
        Field("inn", "text", label("Tax ID (INN, VAT…)", "ИНН / налоговый номер"), max_length=20, digits=(10, 12), indexed=True,
              prefix_filter=True),
        Field("kpp", "text", label("KPP", "КПП"), max_length=9, digits=(9,)),
        Field("ogrn", "text", label("OGRN / OGRNIP", "ОГРН / ОГРНИП"), max_length=15),
        Field("phone", "phone", label("Phone", "Телефон"), max_length=32, indexed=True),
        Field("phones", "long_text", PHONES_HELP, max_length=2000),
        Field("email", "email", label("Email", "Эл. почта"), max_length=254, indexed=True),
        Field("emails", "long_text", EMAILS_HELP, max_length=4000),
        Field("website", "url", label("Website", "Сайт"), max_length=500),
        Field("address_legal", "text", label("Legal address", "Юридический адрес"), max_length=500),
        Field("address_actual", "text", label("Actual address", "Фактический адрес"), max_length=500),
        Field("latitude", "decimal", label("Latitude", "Широта"), min_value=-90, max_value=90, summable=False),
        Field("longitude", "decimal", label("Longitude", "Долгота"), min_value=-180, max_value=180, summable=False),
        Field("team_id", "reference", label("Team", "Команда"), reference="core.team"),
        Field("birthday", "date", label("Birthday / founding date", "День рождения / основания"), indexed=True),
    ), headers.CLIENT),
    list_columns=("name", "kind", "stage", "importance", "region", "inn", "phone", "email", "owner_id"),
    search_fields=("name", "inn", "email", "phone", "phones", "emails"),
    order=("name",),
    relations=(
        Relation("contacts", "contacts.contact", "client", label("Contact persons", "Контактные лица")),
        Relation("links", "contacts.link", "client", label("Also working here", "Также работают здесь")),
        Relation("interactions", "contacts.interaction", "client", label("Interactions", "Взаимодействия")),
    ),
    title_field="name",
    board_field="stage",  # the board's columns: where each client is in the relationship, not "company or person"
    # The record page: the header's facts, then the fields in these sections (docs/entities.md).
    key_facts=("stage", "importance", "owner_id", "phone", "email"),
    sections=(
        Section("profile", label("Profile", "Профиль"),
                ("name", "kind", "client_type", "stage", "importance", "industry", "region", "source", "owner_id", "team_id", "birthday")),
        Section("reach", label("Phones and e-mail", "Телефоны и почта"), ("phone", "phones", "email", "emails", "website")),
        Section("requisites", label("Requisites", "Реквизиты"), ("inn", "kpp", "ogrn", "country")),
        Section("addresses", label("Addresses", "Адреса"), ("address_legal", "address_actual", "latitude", "longitude")),
    ),
)

CONTACT = Entity(
    key="contacts.contact",
    table=Contact,
    label=label("Contact person", "Контактное лицо"),
    plural=label("Contact persons", "Контактные лица"),
    fields=with_synonyms((
        Field("full_name", "text", label("Full name", "ФИО"), required=True, max_length=300),
        Field("client", "reference", label("Company", "Компания"), reference="contacts.client"),
        Field("position", "text", label("Position", "Должность"), max_length=200),
        Field("role", "choice", label("Role", "Роль"), choices=CONTACT_ROLES),
        Field("phone", "phone", label("Phone", "Телефон"), max_length=32),
        Field("phones", "long_text", PHONES_HELP, max_length=2000),
        Field("email", "email", label("Email", "Эл. почта"), max_length=254),
        Field("emails", "long_text", EMAILS_HELP, max_length=4000),
        Field("birthday", "date", label("Birthday", "День рождения"), indexed=True),
        Field("notes", "long_text", label("Notes", "Заметки"), max_length=10000),
    ), headers.CONTACT),
    list_columns=("full_name", "client", "position", "role", "phone", "email"),
    search_fields=("full_name", "email", "phone", "phones", "emails"),
    order=("full_name",),
    relations=(Relation("links", "contacts.link", "contact", label("Further companies", "Другие компании")),),
    title_field="full_name",
    key_facts=("client", "role", "owner_id", "phone", "email"),
    sections=(
        Section("profile", label("Profile", "Профиль"), ("full_name", "client", "position", "role", "owner_id")),
        Section("reach", label("Phones and e-mail", "Телефоны и почта"), ("phone", "phones", "email", "emails")),
        Section("personal", label("Personal", "Личное"), ("birthday", "notes")),
    ),
)

LINK = Entity(
    key="contacts.link",
    table=ContactLink,
    label=label("Company link", "Связь с компанией"),
    plural=label("Company links", "Связи с компаниями"),
    fields=with_synonyms((
        Field("contact", "reference", label("Contact person", "Контактное лицо"), reference="contacts.contact", required=True),
        Field("client", "reference", label("Company", "Компания"), reference="contacts.client", required=True),
        Field("position", "text", label("Position", "Должность"), max_length=200),
        Field("role", "choice", label("Role", "Роль"), choices=CONTACT_ROLES),
    ), headers.LINK),
    list_columns=("contact", "client", "position", "role"),
    order=("-created_at",),
    title_field="position",
)

INTERACTION = Entity(
    key="contacts.interaction",
    table=Interaction,
    label=label("Interaction", "Взаимодействие"),
    plural=label("Interactions", "Взаимодействия"),
    fields=with_synonyms((
        Field("subject", "text", label("Subject", "Тема"), required=True, max_length=300),
        Field("kind", "choice", label("Kind", "Вид"), choices=INTERACTION_KINDS, default="call", required=True),
        Field("status", "choice", label("Status", "Состояние"), choices=INTERACTION_STATUSES, default="planned", required=True),
        Field("client", "reference", label("Client", "Клиент"), reference="contacts.client"),
        Field("contact", "reference", label("Contact person", "Контактное лицо"), reference="contacts.contact"),
        Field("starts_at", "datetime", label("Time", "Время")),
        Field("duration_minutes", "integer", label("Duration, minutes", "Длительность, мин"), min_value=0, max_value=100000),
        Field("participants", "long_text", label("Participants", "Участники"), max_length=4000),
        Field("result", "long_text", label("Result", "Результат"), max_length=20000),
        Field("follow_up", "long_text", label("Follow-up", "Дальнейшие действия"), max_length=4000),
        Field("remind_minutes", "integer", label("Remind, minutes before", "Напомнить за, мин"), min_value=0, max_value=525600, summable=False),
        Field("previous", "uuid", label("Follows up", "Продолжение"), readonly=True),
    ), headers.INTERACTION),
    list_columns=("starts_at", "kind", "subject", "client", "status", "owner_id"),
    search_fields=("subject", "participants", "result"),
    order=("-starts_at",),
    title_field="subject",
    key_facts=("status", "starts_at", "client", "contact", "owner_id"),
    sections=(
        Section("what", label("Interaction", "Взаимодействие"),
                ("subject", "kind", "status", "client", "contact", "starts_at", "duration_minutes", "owner_id")),
        Section("outcome", label("Outcome", "Итог"), ("participants", "result", "follow_up", "previous")),
    ),
)

TASK = Entity(
    key="contacts.task",
    table=Task,
    # "Tasks" ("Задачи"): what people give each other; background jobs are "Фоновые задания".
    label=label("Task", "Задача"),
    plural=label("Tasks", "Задачи"),
    fields=with_synonyms((
        Field("title", "text", label("Task", "Задача"), required=True, max_length=300),
        Field("description", "long_text", label("Description", "Описание"), max_length=20000),
        Field("client", "reference", label("Client", "Клиент"), reference="contacts.client"),
        Field("deadline", "datetime", label("Deadline", "Срок")),
        Field("remind_minutes", "integer", label("Remind, minutes before", "Напомнить за, мин"), min_value=0, max_value=525600, summable=False),
        Field("status", "choice", label("Status", "Состояние"), choices=TASK_STATUSES, default="new", readonly=True),
        Field("result", "long_text", label("Result or comment", "Результат или комментарий"), max_length=20000, readonly=True),
    ), headers.TASK),
    list_columns=("title", "client", "deadline", "status", "owner_id"),
    search_fields=("title", "description"),
    order=("-created_at",),
    title_field="title",
    feature="contacts.assignments",
    key_facts=("status", "deadline", "client", "owner_id"),
)

EVENT = Entity(
    key="contacts.event",
    table=Event,
    label=label("Significant event", "Значимое событие"),
    plural=label("Significant events", "Значимые события"),
    fields=with_synonyms((
        Field("title", "text", label("Title", "Название"), required=True, max_length=300),
        Field("kind", "choice", label("Kind", "Вид"), choices=EVENT_KINDS, default="birthday", required=True),
        Field("date", "date", label("Date", "Дата"), required=True),
        Field("yearly", "boolean", label("Every year", "Ежегодно"), default=True),
        Field("client", "reference", label("Client", "Клиент"), reference="contacts.client"),
        Field("contact", "reference", label("Contact person", "Контактное лицо"), reference="contacts.contact"),
        Field("remind_days", "integer", label("Remind, days before", "Напомнить за, дней"), min_value=0, max_value=365, default=3, summable=False),
    ), headers.EVENT),
    list_columns=("date", "title", "kind", "client", "contact", "owner_id"),
    search_fields=("title",),
    order=("date",),
    title_field="title",
    feature="contacts.significant_events",
    key_facts=("date", "kind", "client", "contact"),
)

ENTITIES = [CLIENT, CONTACT, LINK, INTERACTION, TASK, EVENT]

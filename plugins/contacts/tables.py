"""Tables of the contacts plugin (names prefixed ``contacts_``).

Entity tables (subclasses of ``EntityTable``) are read and written through
the query gate only. The last three tables are the plugin's own bookkeeping
(reminders sent, calendar feed tokens, the completeness settings) and hold
no client data.
"""

from piccolo.columns import UUID, Boolean, Date, ForeignKey, Integer, Numeric, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.entities.base import EntityTable, new_id


class Client(EntityTable, tablename="contacts_client"):
    name = Varchar(length=300)
    kind = Varchar(length=16, default="company")  # company | person
    # Classification and relationship stage.
    client_type = Varchar(length=32, default="customer")
    industry = Varchar(length=200, default="")
    region = Varchar(length=200, default="")
    source = Varchar(length=200, default="")
    importance = Varchar(length=16, default="")
    stage = Varchar(length=16, default="potential")
    # Tax identifiers: ``inn`` is the country's main tax id (INN in Russia, a VAT number elsewhere).
    country = Varchar(length=2, default="RU")
    inn = Varchar(length=20, default="")
    kpp = Varchar(length=9, default="")
    ogrn = Varchar(length=15, default="")
    # Contact data: the main phone and email, then any further ones (one per line).
    email = Varchar(length=254, default="")
    phone = Varchar(length=32, default="")
    phones = Text(default="")
    emails = Text(default="")
    website = Varchar(length=500, default="")
    address_legal = Varchar(length=500, default="")
    address_actual = Varchar(length=500, default="")
    latitude = Numeric(digits=(9, 6), null=True, default=None)
    longitude = Numeric(digits=(9, 6), null=True, default=None)
    team_id = UUID(null=True, default=None)
    birthday = Date(null=True, default=None)  # a person's birthday or a company's founding date


class Contact(EntityTable, tablename="contacts_contact"):
    full_name = Varchar(length=300)
    client = ForeignKey(references=Client, null=True)  # the main company
    position = Varchar(length=200, default="")
    role = Varchar(length=32, default="")
    email = Varchar(length=254, default="")
    phone = Varchar(length=32, default="")
    phones = Text(default="")
    emails = Text(default="")
    birthday = Date(null=True, default=None)
    notes = Text(default="")


class ContactLink(EntityTable, tablename="contacts_link"):
    """A person working for a further company, with the position they hold there."""

    contact = ForeignKey(references=Contact, null=True)
    client = ForeignKey(references=Client, null=True)
    position = Varchar(length=200, default="")
    role = Varchar(length=32, default="")


class Interaction(EntityTable, tablename="contacts_interaction"):
    subject = Varchar(length=300)
    kind = Varchar(length=16, default="call")  # call | meeting | letter | email | note
    status = Varchar(length=16, default="planned")  # planned | done | cancelled
    client = ForeignKey(references=Client, null=True)
    contact = ForeignKey(references=Contact, null=True)
    starts_at = Timestamptz(null=True, default=None, index=True)
    duration_minutes = Integer(null=True, default=None)
    participants = Text(default="")
    result = Text(default="")
    follow_up = Text(default="")
    remind_minutes = Integer(null=True, default=None)  # remind this long before it starts
    previous = UUID(null=True, default=None)  # the interaction this one follows up


class Task(EntityTable, tablename="contacts_task"):
    """An assignment: given by ``created_by`` (the author) to ``owner_id`` (the assignee)."""

    title = Varchar(length=300)
    description = Text(default="")
    client = ForeignKey(references=Client, null=True)
    deadline = Timestamptz(null=True, default=None, index=True)
    remind_minutes = Integer(null=True, default=None)
    status = Varchar(length=16, default="new")  # new | accepted | returned | done
    result = Text(default="")


class Event(EntityTable, tablename="contacts_event"):
    """A significant date: a birthday, an anniversary, a key date of a company."""

    title = Varchar(length=300)
    kind = Varchar(length=16, default="birthday")
    date = Date()
    yearly = Boolean(default=True)
    client = ForeignKey(references=Client, null=True)
    contact = ForeignKey(references=Contact, null=True)
    remind_days = Integer(null=True, default=3)


class ReminderSent(Table, tablename="contacts_reminder_sent"):
    """One row per reminder delivered, so a reminder is sent once however often the job runs
    (a unique index on entity, record, user and due time, made by a migration, claims it atomically)."""

    id = UUID(primary_key=True, default=new_id)
    entity = Varchar(length=64)
    record_id = UUID()
    user_id = UUID()
    due_at = Timestamptz()
    sent_at = Timestamptz(default=TimestamptzNow())
    emailed = Boolean(default=False)


class CalendarToken(Table, tablename="contacts_calendar_token"):
    """The secret of a user's iCalendar feed URL; only its SHA-256 is kept."""

    id = UUID(primary_key=True, default=new_id)
    user_id = UUID(unique=True)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())


class QualityField(Table, tablename="contacts_quality_field"):
    """A client field the completeness analysis counts as required for a good card."""

    id = UUID(primary_key=True, default=new_id)
    field = Varchar(length=64, unique=True)

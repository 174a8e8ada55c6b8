"""Per-user time zones: times stored UTC, shown and typed on the reader's clock."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest
from pydantic import ValidationError

from core.i18n import current_timezone, use_timezone
from core.i18n.formatting import format_datetime, format_time
from core.i18n.timezones import (
    TimezoneError, checked_timezone, day_bounds, effective_timezone, from_input, input_value, local_date, skipped, today,
)

UTC = timezone.utc
WINTER = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
SUMMER = datetime(2026, 7, 15, 9, 30, tzinfo=UTC)


# -- formatting --------------------------------------------------------------------


def test_moscow_is_three_hours_ahead_all_year():
    # No daylight saving in Moscow since 2014: +03:00 in January and July alike.
    with use_timezone("Europe/Moscow"):
        assert format_datetime(WINTER, "short", "ru") == "15.01.2026, 12:30"
        assert format_datetime(SUMMER, "short", "ru") == "15.07.2026, 12:30"
        assert format_time(SUMMER, locale="ru") == "12:30"


def test_a_daylight_saving_zone_shifts_by_season():
    with use_timezone("Europe/Berlin"):
        assert format_datetime(WINTER, "short", "ru") == "15.01.2026, 10:30"  # CET, +01:00
        assert format_datetime(SUMMER, "short", "ru") == "15.07.2026, 11:30"  # CEST, +02:00
    # The zone may be given outright, and the day can change with it.
    assert format_datetime(datetime(2026, 1, 15, 20, 0, tzinfo=UTC), "short", "ru", tz="Asia/Vladivostok") == "16.01.2026, 06:00"


def test_utc_is_the_default_and_a_naive_value_is_utc():
    assert current_timezone() == "UTC"
    assert format_datetime(WINTER, "short", "ru") == "15.01.2026, 09:30"
    with use_timezone("Asia/Yekaterinburg"):
        assert format_datetime(datetime(2026, 1, 15, 9, 30), "short", "ru") == "15.01.2026, 14:30"
        assert format_datetime("2026-01-15T09:30:00Z", "short", "ru") == "15.01.2026, 14:30"
    assert current_timezone() == "UTC"  # the block did not leak


def test_a_document_prints_times_on_its_makers_clock():
    from core.documents.context import format_date as document_date

    with use_timezone("Asia/Vladivostok"):
        assert document_date(datetime(2026, 1, 5, 20, 30, tzinfo=UTC)) == "6 января 2026\u202fг. 06:30"
    assert document_date(datetime(2026, 1, 5, 20, 30, tzinfo=UTC)) == "5 января 2026\u202fг. 20:30"


def test_days_are_the_readers_days():
    with use_timezone("Asia/Vladivostok"):  # +10:00
        assert local_date(datetime(2026, 1, 15, 15, 0, tzinfo=UTC)) == date(2026, 1, 16)
        start, end = day_bounds(date(2026, 1, 16))
    assert (start, end) == (datetime(2026, 1, 15, 14, 0, tzinfo=UTC), datetime(2026, 1, 16, 14, 0, tzinfo=UTC))
    # The day the clocks go forward in Berlin has 23 hours.
    start, end = day_bounds(date(2026, 3, 29), name="Europe/Berlin")
    assert (end - start).total_seconds() == 23 * 3600


def test_today_is_the_readers_today():
    # Kiritimati (+14:00) and Pago Pago (-11:00) are 25 hours apart: never on the same day.
    with use_timezone("Pacific/Kiritimati"):
        east = today()
    with use_timezone("Pacific/Pago_Pago"):
        west = today()
    assert 1 <= (east - west).days <= 2


# -- form inputs -------------------------------------------------------------------


def test_a_typed_time_is_read_on_the_users_clock_and_shown_back_as_typed():
    with use_timezone("Asia/Yekaterinburg"):  # +05:00
        typed = from_input("2026-03-10T09:15")
        assert typed.astimezone(UTC) == datetime(2026, 3, 10, 4, 15, tzinfo=UTC)
        assert input_value(datetime(2026, 3, 10, 4, 15, tzinfo=UTC)) == "2026-03-10T09:15"
        assert input_value(datetime(2026, 3, 10, 4, 15, 7, tzinfo=UTC)) == "2026-03-10T09:15:07"
        # A value with its own offset passes as sent; garbage is left for validation to refuse.
        assert from_input("2026-03-10T09:15+03:00") == "2026-03-10T09:15+03:00"
        assert from_input("tomorrow") == "tomorrow"
        assert input_value("tomorrow") == "tomorrow"


def test_a_skipped_wall_time_is_refused_by_validation():
    from core.entities.spec import Field
    from core.entities.validation import FieldError, clean_value

    field = Field(name="at", type="datetime", label={"en": "At"})
    with use_timezone("Europe/Berlin"):
        gap = from_input("2026-03-29T02:30")  # clocks jump from 02:00 to 03:00
        assert skipped(gap)
        with pytest.raises(FieldError, match="does not exist in Europe/Berlin"):
            clean_value(field, gap)
        assert input_value(gap) == "2026-03-29T02:30"  # shown back as typed, beside the error
        assert clean_value(field, from_input("2026-03-29T03:30")) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_the_api_reads_a_time_without_offset_as_utc():
    from core.entities.spec import Field
    from core.entities.validation import clean_value

    field = Field(name="at", type="datetime", label={"en": "At"})
    with use_timezone("Asia/Vladivostok"):  # the reader's zone plays no part outside forms
        assert clean_value(field, "2026-03-10T09:15:00") == datetime(2026, 3, 10, 9, 15, tzinfo=UTC)
        assert clean_value(field, "2026-03-10T09:15:00+05:00") == datetime(2026, 3, 10, 4, 15, tzinfo=UTC)


# -- the zone names ----------------------------------------------------------------


def test_only_known_zones_are_accepted():
    assert checked_timezone(" Asia/Vladivostok ") == "Asia/Vladivostok"
    for bad in ("Mars/Olympus", "", "../../etc/passwd", "asia/vladivostok"):
        with pytest.raises(TimezoneError, match="Unknown time zone"):
            checked_timezone(bad)
    assert effective_timezone("Asia/Omsk", "UTC") == "Asia/Omsk"
    assert effective_timezone("", "Europe/Moscow") == "Europe/Moscow"
    assert effective_timezone("Gone/Zone", "Europe/Moscow") == "Europe/Moscow"


def test_the_instance_default_must_be_a_known_zone():
    from core.testing.fixtures import make_settings

    assert make_settings(timezone="Europe/Samara").timezone == "Europe/Samara"
    with pytest.raises(ValidationError, match="Unknown time zone 'Moscow'"):
        make_settings(timezone="Moscow")


def test_a_bad_instance_zone_stops_the_command_with_a_clear_error(instance):
    instance.extra_env = {"KLIENTELA_TIMEZONE": "Moscow"}
    refused = instance.run("db", "status")
    assert refused.returncode == 1
    assert "invalid settings: timezone" in refused.stderr and "Unknown time zone 'Moscow'" in refused.stderr


# -- over HTTP ---------------------------------------------------------------------


async def _zone(user, name: str) -> None:
    from core.auth.tables import User

    await User.update({User.timezone: name}).where(User.id == user.id)


async def _team_pair(make_user):
    import uuid

    team = f"tz-{uuid.uuid4().hex[:8]}"
    return (await make_user(roles=["sales_manager"], team=team), await make_user(roles=["sales_manager"], team=team))


async def test_a_time_typed_in_yekaterinburg_is_stored_as_utc_and_read_in_vladivostok(make_user, client_as):
    from plugins.contacts.tables import Interaction

    ann, bob = await _team_pair(make_user)
    await _zone(ann, "Asia/Yekaterinburg")  # +05:00
    await _zone(bob, "Asia/Vladivostok")  # +10:00
    ru = {"Accept-Language": "ru"}
    async with client_as(ann) as c:
        made = await c.post("/contacts/interaction/", data={
            "subject": "tz call", "kind": "call", "status": "planned", "starts_at": "2026-03-10T09:15"}, headers=ru)
        assert made.status_code == 303, made.text
        record = made.headers["location"]
        row = await Interaction.select(Interaction.starts_at).where(Interaction.subject == "tz call").where(
            Interaction.owner_id == ann.id).first()
        assert row["starts_at"] == datetime(2026, 3, 10, 4, 15, tzinfo=UTC)
        # The edit form offers it back as typed, and the page shows it on Ann's clock.
        edit = await c.get(record + "/edit", headers=ru)
        assert re.search(r'name="starts_at" value="2026-03-10T09:15" type="datetime-local"', edit.text)
        assert 'id="f-starts_at-zone"' not in edit.text  # her own clock: no zone label (core.i18n.timezone_label)
        assert "10.03.2026, 09:15" in (await c.get(record, headers=ru)).text
    async with client_as(bob) as c:
        page = await c.get(record, headers=ru)
        assert page.status_code == 200
        assert "10.03.2026, 14:15" in page.text and "10.03.2026, 09:15" not in page.text


async def test_a_bulk_set_time_is_read_on_the_users_clock(make_user, client_as):
    from plugins.contacts.tables import Interaction

    user = await make_user(roles=["sales_manager"])
    await _zone(user, "Asia/Yekaterinburg")
    async with client_as(user) as c:
        made = (await c.post("/api/contacts/interaction", json={"subject": "tz bulk"})).json()
        done = await c.post("/contacts/interaction/bulk", data={
            "action": "set", "ids": [made["id"]], "field": "starts_at", "value": "2026-03-10T09:15"})
        assert done.status_code == 303, done.text  # done: back to the list, with the message
    row = await Interaction.select(Interaction.starts_at).where(Interaction.id == made["id"]).first()
    assert row["starts_at"] == datetime(2026, 3, 10, 4, 15, tzinfo=UTC)


async def test_a_skipped_time_typed_in_a_form_is_refused_in_place(make_user, client_as):
    from plugins.contacts.tables import Interaction

    user = await make_user(roles=["sales_manager"])
    await _zone(user, "Europe/Berlin")
    async with client_as(user) as c:
        refused = await c.post("/contacts/interaction/", data={
            "subject": "tz gap", "kind": "call", "status": "planned", "starts_at": "2026-03-29T02:30"})
    assert refused.status_code == 422
    assert "does not exist in Europe/Berlin" in refused.text and 'value="2026-03-29T02:30"' in refused.text
    assert await Interaction.count().where(Interaction.subject == "tz gap") == 0


async def test_the_user_picks_a_zone_on_the_account_page(make_user, client_as):
    from core.auth.tables import User

    user = await make_user()
    async with client_as(user, timezone="Europe/Samara") as c:
        page = await c.get("/account")
        assert page.status_code == 200
        assert '<option value="" selected>' in page.text and "Europe/Samara" in page.text
        assert '<option value="Asia/Vladivostok">' in page.text
        saved = await c.post("/account", data={"timezone": "Asia/Vladivostok"})
        assert saved.status_code == 303 and saved.headers["location"] == "/account?saved=1"
        assert '<option value="Asia/Vladivostok" selected>' in (await c.get("/account?saved=1")).text
        # An unknown zone: refused in place, in the user's language, and nothing saved.
        refused = await c.post("/account", data={"timezone": "Mars/Olympus"}, headers={"Accept-Language": "ru"})
        assert refused.status_code == 400
        assert "Неизвестный часовой пояс" in refused.text and 'aria-invalid="true"' in refused.text
        assert '<option value="Asia/Vladivostok" selected>' in refused.text
    assert (await User.select(User.timezone).where(User.id == user.id).first())["timezone"] == "Asia/Vladivostok"
    async with client_as(user) as c:
        # Back to the instance's default.
        assert (await c.post("/account", data={"timezone": ""})).status_code == 303
    assert (await User.select(User.timezone).where(User.id == user.id).first())["timezone"] == ""


async def test_the_account_form_needs_the_csrf_token(make_user, client_as):
    from core.auth.tables import User

    user = await make_user()
    async with client_as(user) as c:
        c.headers.pop("X-CSRF-Token")
        assert (await c.post("/account", data={"timezone": "Asia/Omsk"})).status_code == 403
    assert (await User.select(User.timezone).where(User.id == user.id).first())["timezone"] == ""


async def test_the_instance_default_applies_to_users_without_a_choice(make_user, client_as):
    from core.notifications.api import notify
    from core.notifications.tables import Notification

    user = await make_user()
    made = await notify(user.id, title="tz notice")
    await Notification.update({Notification.created_at: datetime(2026, 1, 15, 21, 30, tzinfo=UTC)}).where(Notification.id == made)
    async with client_as(user, timezone="Asia/Vladivostok") as c:
        page = await c.get("/notifications", headers={"Accept-Language": "ru"})
    assert "16.01.2026, 07:30" in page.text


# -- the migration -----------------------------------------------------------------

MIGRATION_ID = "2026-11-23T01:00:00:000000"


def _execute(url: str, *statements: str) -> None:
    """Write outside Piccolo (core.testing.databases.query only reads)."""
    if url.startswith("sqlite:///"):
        import sqlite3

        con = sqlite3.connect(url[len("sqlite:///"):])
        try:
            for statement in statements:
                con.execute(statement)
            con.commit()
        finally:
            con.close()
        return
    import asyncpg

    from core.testing.databases import _in_thread

    async def run():
        con = await asyncpg.connect(url)
        try:
            for statement in statements:
                await con.execute(statement)
        finally:
            await con.close()

    _in_thread(run)


def test_the_migration_adds_the_column_with_no_choice_for_existing_users(instance):
    from core.testing.databases import query

    instance.run("init", "--edition", "basic", "--admin-email", "tz@example.com", "--admin-password", "correct-horse-1", check=True)
    # Back to the schema before the migration, with a user in it (and before the principal
    # stamp's triggers: on PostgreSQL one watching core_user's columns would refuse the DROP).
    if not instance.database_url.startswith("sqlite:///"):
        _execute(instance.database_url, "DO $$ DECLARE r record; BEGIN FOR r IN SELECT t.tgname, c.relname FROM pg_trigger t "
                 "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal AND t.tgname LIKE 'core_principal_stamp_%' "
                 "LOOP EXECUTE format('DROP TRIGGER %I ON %I', r.tgname, r.relname); END LOOP; END $$")
    _execute(instance.database_url, "ALTER TABLE core_user DROP COLUMN timezone",
             f"DELETE FROM migration WHERE app_name = 'core' AND name = '{MIGRATION_ID}'")
    pending = instance.run("db", "status")
    assert pending.returncode == 1 and "pending" in pending.stdout
    instance.run("db", "migrate", check=True)
    assert query(instance.database_url, "SELECT email, timezone FROM core_user") == [("tz@example.com", "")]
    assert "up to date" in instance.run("db", "status", check=True).stdout


async def test_my_changes_counts_records_per_day_of_the_users_zone(accounts):
    import uuid
    from datetime import timedelta

    from core.audit.tables import AuditChange
    from core.dashboard.builtin import changes_per_day

    actor, first, second = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    # 14:30 UTC on the 15th is 00:30 on the 16th in Vladivostok (+10:00).
    at = datetime(2026, 1, 15, 14, 30, tzinfo=UTC)
    await AuditChange.insert(
        AuditChange(at=at, actor_id=actor, entity="t.x", record_id=first, action="update", field="a"),
        AuditChange(at=at + timedelta(minutes=1), actor_id=actor, entity="t.x", record_id=first, action="update", field="b"),
        AuditChange(at=at - timedelta(hours=1), actor_id=actor, entity="t.x", record_id=second, action="update", field="a"),
    )
    days = [date(2026, 1, 14), date(2026, 1, 15), date(2026, 1, 16)]
    try:
        assert await changes_per_day(actor, days) == {"2026-01-15": 2}  # UTC: both on the 15th
        with use_timezone("Asia/Vladivostok"):
            assert await changes_per_day(actor, days) == {"2026-01-15": 1, "2026-01-16": 1}
    finally:
        await AuditChange.delete().where(AuditChange.actor_id == actor)

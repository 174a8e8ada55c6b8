""""My day" on the home page: my calls, meetings and tasks of today and overdue, upcoming dates;
first by default, read through the gate (nobody else's), times on my clock."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from core.auth.tables import User
from core.i18n.formatting import format_time
from core.testing.fixtures import USER_PASSWORD, serving


RUSSIAN = {"Accept-Language": "ru"}


def section(html: str, key: str) -> str:
    start = html.index(f'id="w-{key}"')
    return html[start:html.index("</section>", start)]


async def test_my_day_lists_todays_and_overdue_work_on_my_clock_and_nobody_elses(app_factory, make_user, client):
    m = uuid.uuid4().hex[:6]
    ann = await make_user(roles=["sales_manager"], team=f"Day-{m}", name="Ann")
    bob = await make_user(roles=["sales_manager"], team=f"Day-{m}", name="Bob")
    await User.update({User.timezone: "Asia/Vladivostok"}).where(User.id == ann.id)  # UTC+10
    now = datetime.now(timezone.utc)
    # Later today on Ann's clock in Vladivostok: halfway between now and her midnight.
    local = now.astimezone(timezone(timedelta(hours=10)))
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    later = now + (midnight - local) / 2
    tasks = {
        "today": {"title": f"Send the offer {m}", "owner_id": str(ann.id), "deadline": later.isoformat()},
        "overdue": {"title": f"Call back {m}", "owner_id": str(ann.id), "deadline": (now - timedelta(days=3)).isoformat()},
        "bobs": {"title": f"Bob's own {m}", "owner_id": str(bob.id), "deadline": later.isoformat()},
        "next week": {"title": f"Later {m}", "owner_id": str(ann.id), "deadline": (now + timedelta(days=7)).isoformat()},
    }
    for body in tasks.values():
        assert (await client.post("/api/contacts/task", json=body)).status_code == 201
    meeting = await client.post("/api/contacts/interaction", json={
        "subject": f"Meet Acme {m}", "kind": "meeting", "starts_at": later.isoformat(), "owner_id": str(ann.id)})
    assert meeting.status_code == 201, meeting.text
    async with serving(app_factory(), login=(ann.email, USER_PASSWORD)) as as_ann:
        html = (await as_ann.get("/")).text
    widgets = [w.split('"')[0] for w in html.split('class="widget widget-')[1:]]
    assert html.index('id="w-contacts-today"') < html.index('id="w-core-notifications"')  # first by default
    today = section(html, "contacts-today")
    assert f"Send the offer {m}" in today and f"Meet Acme {m}" in today and "Meeting" in today
    overdue = today[:today.index('class="my-day-head">Today<')]
    assert f"Call back {m}" in overdue and f"Send the offer {m}" not in overdue
    assert f"Bob's own {m}" not in html and f"Later {m}" not in today
    # On Ann's clock (UTC+10), not the server's.
    assert f">{format_time(later, locale='en', tz='Asia/Vladivostok')}</time>" in today
    assert widgets  # the page still renders every widget


async def test_upcoming_significant_dates_show_with_the_month_in_the_readers_language(client):
    m = uuid.uuid4().hex[:6]
    soon = (datetime.now(timezone.utc) + timedelta(days=3)).date()
    made = await client.post("/api/contacts/event", json={"title": f"Acme founded {m}", "kind": "founding",
                                                         "date": soon.replace(year=2001).isoformat(), "yearly": True})
    assert made.status_code == 201, made.text
    dates = section((await client.get("/")).text, "contacts-upcoming_dates")
    assert f"Acme founded {m}" in dates and soon.strftime("%B") in dates


async def test_upcoming_dates_write_the_month_in_russian(client):
    from babel.dates import format_date

    m = uuid.uuid4().hex[:6]
    soon = (datetime.now(timezone.utc) + timedelta(days=5)).date()
    made = await client.post("/api/contacts/event", json={"title": f"Юбилей {m}", "kind": "anniversary",
                                                         "date": soon.replace(year=2010).isoformat(), "yearly": True})
    assert made.status_code == 201, made.text
    # The browser's language: the shared administrator keeps no saved choice (tests/test_i18n.py
    # relies on it; saving "en" back after "ru" left one).
    dates = section((await client.get("/", headers=RUSSIAN)).text, "contacts-upcoming_dates")
    assert f"Юбилей {m}" in dates
    assert format_date(soon, "d MMMM", locale="ru") in dates  # "12 декабря", not "December" or 2026-12-12


async def test_an_age_takes_the_russian_plural_form(client):
    """"1 год", "22 года", "16 лет" — not "лет: 1" for every number."""
    m = uuid.uuid4().hex[:6]
    soon = (datetime.now(timezone.utc) + timedelta(days=2)).date()
    for years in (1, 22, 16):
        made = await client.post("/api/contacts/event", json={"title": f"Годовщина {years} {m}", "kind": "anniversary",
                                                             "date": soon.replace(year=soon.year - years).isoformat(), "yearly": True})
        assert made.status_code == 201, made.text
    page = (await client.get("/contacts/events/", params={"days": 7}, headers=RUSSIAN)).text
    ages = {years: page[page.index(f"Годовщина {years} {m}"):].split("</li>")[0] for years in (1, 22, 16)}
    assert ">1 год<" in ages[1] and ">22 года<" in ages[22] and ">16 лет<" in ages[16], ages
